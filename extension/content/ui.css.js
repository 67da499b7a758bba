// Styles of the overlay, inside its shadow root so the page's CSS cannot reach it (nor ours the page).
preflight.UI_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483647; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124; }
.underline { position: fixed; pointer-events: none; border-radius: 1px; }
.sev-block.underline { background: #d93025; }
.sev-warning.underline { background: #e37400; }
.sev-info.underline { background: #1a73e8; opacity: .7; }
button { font: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.badge { position: fixed; pointer-events: auto; border: 1px solid #dadce0; border-radius: 12px; padding: 2px 9px; background: #fff; color: #3c4043; font-size: 12px; font-weight: 600; box-shadow: 0 1px 3px rgba(0,0,0,.15); white-space: nowrap; }
.badge.state-pass { color: #188038; }
.badge.state-warn { color: #b06000; border-color: #f6c26b; background: #fef7e0; }
.badge.state-block { color: #fff; border-color: #d93025; background: #d93025; }
.badge.state-offline { color: #5f6368; background: #f1f3f4; font-weight: 500; }
.badge.state-checking { color: #5f6368; }
.badge.state-approval-waiting { color: #1a4fa0; border-color: #8ab4f8; background: #e8f0fe; }
.badge.state-approval-approved { color: #fff; border-color: #188038; background: #188038; }
.badge.state-approval-rejected { color: #b3261e; border-color: #b3261e; background: #fce8e6; }
.badge.state-approval-expired { color: #5f6368; background: #f1f3f4; }
.card, .panel { position: fixed; pointer-events: auto; background: #fff; border: 1px solid #dadce0; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
.card { width: 340px; padding: 10px 12px; }
.panel { width: 380px; max-height: 70vh; overflow: auto; padding: 10px 12px; }
.panel header { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
.panel h2 { font-size: 14px; margin: 0; }
.panel ul { list-style: none; margin: 0; padding: 0; }
.panel li + li { border-top: 1px solid #eee; margin-top: 8px; padding-top: 8px; }
.close { border: 0; background: transparent; font-size: 18px; line-height: 1; padding: 2px 6px; color: #5f6368; }
.finding .sev { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; margin: 0 0 2px; }
.finding.sev-block .sev { color: #d93025; }
.finding.sev-warning .sev { color: #b06000; }
.finding.sev-info .sev { color: #1a73e8; }
.finding .title { font-size: 14px; font-weight: 600; margin: 0 0 2px; }
.finding .message { margin: 0 0 4px; }
.finding .quote { margin: 0 0 4px; color: #5f6368; font-style: italic; }
.finding .rule { margin: 0; font-size: 11px; color: #5f6368; }
.finding .rule code { font: 11px ui-monospace, monospace; }
.finding .rule a { color: #1a73e8; }
.finding .images { display: flex; gap: 6px; margin: 4px 0; }
.finding .images img { width: 64px; height: 64px; object-fit: cover; border-radius: 4px; border: 1px solid #dadce0; }
.suggestions { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin-top: 6px; }
.suggestions span { font-size: 12px; color: #5f6368; }
.suggestions button { border: 1px solid #1a73e8; color: #1a73e8; background: #fff; border-radius: 12px; padding: 1px 8px; font-size: 12px; }
.suggestions button:hover { background: #e8f0fe; }
.guidance { margin-top: 6px; font-size: 12px; color: #3c4043; }
.guidance span { color: #5f6368; }
.guidance ul { margin: 2px 0 0; padding-left: 18px; }
.note { color: #5f6368; font-size: 12px; margin: 6px 0 0; }
.backdrop { position: fixed; inset: 0; pointer-events: auto; background: rgba(32,33,36,.45); display: flex; align-items: center; justify-content: center; }
.dialog { background: #fff; border-radius: 10px; width: min(480px, 92vw); max-height: 86vh; overflow: auto; padding: 18px 20px; box-shadow: 0 8px 28px rgba(0,0,0,.3); }
.dialog h2 { margin: 0 0 8px; font-size: 17px; }
.dialog.kind-block h2, .dialog.kind-crisis h2 { color: #b3261e; }
.dialog ul { padding-left: 18px; margin: 8px 0; }
.dialog li { margin: 4px 0; }
.dialog li code { font: 11px ui-monospace, monospace; color: #5f6368; }
.crisis { border-left: 4px solid #b3261e; background: #fce8e6; padding: 8px 10px; margin: 8px 0; white-space: pre-wrap; }
.reason label { display: block; font-weight: 600; margin: 10px 0 4px; }
.reason textarea { width: 100%; min-height: 64px; font: inherit; padding: 6px; border: 1px solid #80868b; border-radius: 4px; }
.error { color: #b3261e; margin: 6px 0 0; min-height: 1em; }
.actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; flex-wrap: wrap; }
.actions button { border-radius: 6px; padding: 6px 14px; border: 1px solid #dadce0; background: #fff; }
.actions button.primary { background: #1a73e8; border-color: #1a73e8; color: #fff; }
.actions button.danger { color: #b3261e; border-color: #b3261e; }
.actions button.request { color: #1a4fa0; border-color: #1a73e8; }
.approval-status { border-left: 4px solid #1a73e8; background: #e8f0fe; padding: 8px 10px; margin: 8px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.approval-status.standing-rejected { border-left-color: #b3261e; background: #fce8e6; }
.approved-text { margin: 4px 0 8px; padding: 8px 10px; border: 1px solid #dadce0; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; user-select: text; }
.mirror { position: fixed; visibility: hidden; overflow: hidden; white-space: pre-wrap; overflow-wrap: break-word; pointer-events: none; }
`;
