// What every site adapter does, driven by the selectors in the site's own file under sites/.
preflight.sites = (() => {
  const all = [];
  // The API refuses longer texts; the message answered only gives the reply rules their context.
  const MAX_REPLY_CHARS = 10000;
  const FOLLOWING = 4; // Node.DOCUMENT_POSITION_FOLLOWING, spelled out for pages that shadow `Node`

  /**
   * Whether `composer` answers a post or comment, and that message's text where the page shows it.
   * `reply.box`: the reply and comment boxes (when given, only a composer inside one is a reply);
   * `reply.within`: the container of a message and its replies; `reply.parent`: the message's text in it.
   * The message answered is the last one of the composer's own container (not of one nested in it) before it.
   */
  function replyContext(reply, composer) {
    const post = { context: "post", inReplyTo: null };
    if (!reply) return post;
    if (reply.box && !composer.closest(reply.box)) return post;
    const scope = reply.within ? composer.closest(reply.within) : null;
    let answered = null;
    for (const el of scope ? scope.querySelectorAll(reply.parent) : []) {
      if (el.closest(reply.within) !== scope || el.contains(composer) || composer.contains(el)) continue;
      if (el.compareDocumentPosition(composer) & FOLLOWING) answered = el;
    }
    if (!reply.box && !answered) return post;
    const text = answered ? answered.textContent.replace(/\s+/g, " ").trim().slice(0, MAX_REPLY_CHARS) : "";
    return { context: "reply", inReplyTo: text || null };
  }

  function visible(el) {
    if (!el.isConnected) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  }

  function labelOf(el) {
    return (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().toLowerCase();
  }

  function disabled(el) {
    return el.disabled === true || el.getAttribute("aria-disabled") === "true";
  }

  /**
   * A site: `composer` and `publish` are CSS selectors; `publishLabels`, when given, narrows
   * publish buttons to those whose label is one of them (sites whose buttons have no stable id);
   * `images` finds attached image previews near the composer; `reply` tells reply and comment boxes
   * and the message they answer (see replyContext).
   */
  function define(site) {
    const labels = site.publishLabels ? new Set(site.publishLabels.map((l) => l.toLowerCase())) : null;
    const isPublishElement = (el) => el.matches(site.publish) && (!labels || labels.has(labelOf(el)));

    const adapter = {
      id: site.id,
      platform: site.platform,
      hosts: site.hosts || [],
      selectors: { composer: site.composer, publish: site.publish, images: site.images || null, reply: site.reply || null },

      findComposers(doc) {
        // an editable element inside another one is part of that composer, not a composer of its own
        return [...doc.querySelectorAll(site.composer)]
          .filter((el) => !(el.parentElement && el.parentElement.closest(site.composer)));
      },

      /** The publish button that belongs to `composer`: the first one in its nearest enclosing container. */
      findPublish(composer) {
        for (let scope = composer.parentElement; scope; scope = scope.parentElement) {
          const found = [...scope.querySelectorAll(site.publish)].filter(isPublishElement);
          if (found.length) return found.find(visible) || found[0];
        }
        return null;
      },

      /** The publish button `target` is inside, if any. */
      publishFrom(target) {
        for (let el = target instanceof Element ? target : target.parentElement; el; el = el.parentElement) {
          if (isPublishElement(el)) return el;
        }
        return null;
      },

      /** Attached image previews: inside the container shared by the composer and its publish button. */
      findImages(composer) {
        if (!site.images) return [];
        const button = adapter.findPublish(composer);
        let scope = composer.parentElement;
        while (scope && button && !scope.contains(button)) scope = scope.parentElement;
        return [...(scope || composer.ownerDocument).querySelectorAll(site.images)].filter((img) => img.tagName === "IMG");
      },

      /** {context: "reply", inReplyTo: text or null} for a reply or comment box, else {context: "post"}. */
      replyTo(composer) {
        return replyContext(site.reply, composer);
      },

      isShortcut(event) {
        return event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
      },

      isPlain(composer) {
        return composer.tagName === "TEXTAREA" || composer.tagName === "INPUT";
      },

      disabled,
    };
    all.push(adapter);
    return adapter;
  }

  /** The adapter for `hostname`: a supported site's, else the generic one if it was loaded. */
  function forHost(hostname) {
    const host = hostname.replace(/^www\./, "");
    return all.find((a) => a.hosts.some((h) => host === h || host.endsWith("." + h))) ||
      all.find((a) => a.id === "generic") || null;
  }

  return { all, define, forHost, visible, replyContext };
})();
