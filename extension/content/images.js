// Attached image previews as the API wants them: base64 JPEG, at most MAX_SIDE pixels, plus a thumbnail.
preflight.images = (() => {
  const MAX_SIDE = 1280;
  const THUMB_SIDE = 96;
  const MAX_IMAGES = 4;
  const cache = new Map();

  function draw(img, side, quality) {
    const scale = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", quality);
  }

  /** {data, thumb, name, alt} for a loaded preview, or null if it cannot be read (e.g. another origin's). */
  async function encode(img) {
    if (cache.has(img.src)) return { ...cache.get(img.src), alt: img.alt || null };
    try {
      if (!img.complete) await img.decode();
      if (!img.naturalWidth) return null;
      const full = draw(img, MAX_SIDE, 0.85);
      const entry = { data: full.slice(full.indexOf(",") + 1), thumb: draw(img, THUMB_SIDE, 0.7), name: null };
      cache.set(img.src, entry);
      return { ...entry, alt: img.alt || null };
    } catch {
      return null;
    }
  }

  /** The readable attached images, in page order (the API's `image` index refers to this order). */
  async function collect(imgs) {
    const encoded = await Promise.all(imgs.slice(0, MAX_IMAGES).map(encode));
    return encoded.filter(Boolean);
  }

  /** Changes when the set of attached previews or their alt texts change. */
  function signature(imgs) {
    return imgs.slice(0, MAX_IMAGES).map((img) => `${img.src}\u0000${img.alt}`).join("\u0001");
  }

  return { collect, signature };
})();
