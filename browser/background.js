// Downpour's browser extension: three context-menu items (and the toolbar button) send links
// to Downpour through the browser's native messaging (no network port). Nothing is read or sent
// until the person uses one of them. "All links on this page…" and the toolbar button send the
// page's links as a "page" message: Downpour shows them in its page dialog to choose from and
// downloads nothing by itself. With the links go the page's address (as Referer), the
// browser's User-Agent, the cookies the browser holds for the links' own sites, and the file
// names the page suggests (`download` attributes). Downpour checks all of it again.

const HOST = "app.downpour.host";
const MAX_LINKS = 10000;
const api = globalThis.browser ?? globalThis.chrome;

function createMenus() {
  api.contextMenus.removeAll(() => {
    api.contextMenus.create({ id: "link", title: api.i18n.getMessage("menuLink"), contexts: ["link"] });
    api.contextMenus.create({ id: "selection", title: api.i18n.getMessage("menuSelection"), contexts: ["selection"] });
    api.contextMenus.create({ id: "page", title: api.i18n.getMessage("menuPage"), contexts: ["page"] });
  });
}

api.runtime.onInstalled.addListener(createMenus);
api.runtime.onStartup?.addListener(createMenus);

// --- What runs in the page (only when a menu item is used; returns plain data). ---

function linkNamed(url) {
  const a = [...document.querySelectorAll("a[href]")].find((a) => a.href === url);
  return [{ url, name: a?.getAttribute("download") || undefined }];
}

function selectedLinks() {
  const found = [];
  const selection = window.getSelection();
  for (let i = 0; i < selection.rangeCount; i++) {
    const range = selection.getRangeAt(i);
    let root = range.commonAncestorContainer;
    if (root.nodeType !== Node.ELEMENT_NODE) root = root.parentElement;
    const anchors = [...root.querySelectorAll("a[href]")];
    const around = root.closest("a[href]");
    if (around) anchors.unshift(around);
    for (const a of anchors) {
      if (range.intersectsNode(a)) found.push({ url: a.href, name: a.getAttribute("download") || undefined });
    }
  }
  // Links written as text in the selection.
  for (const match of selection.toString().matchAll(/https?:\/\/[^\s"'<>]+/g)) {
    found.push({ url: match[0] });
  }
  return found;
}

function pageLinks() {
  return [...document.querySelectorAll("a[href]")].map((a) => ({
    url: a.href,
    name: a.getAttribute("download") || undefined,
  }));
}

// --- In the extension. ---

function isWeb(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// Web links only, each once, at most MAX_LINKS; a suggested name only if it is a plain name.
function tidy(links) {
  const seen = new Set();
  const out = [];
  for (const link of links) {
    if (!isWeb(link.url) || seen.has(link.url) || out.length >= MAX_LINKS) continue;
    seen.add(link.url);
    const item = { url: link.url };
    const name = link.name?.trim();
    if (name && name.length <= 255 && !/[\/\\:\u0000-\u001f]/.test(name) && name !== "." && name !== "..") {
      item.name = name;
    }
    out.push(item);
  }
  return out;
}

// The cookies the browser would send to the links' own sites, and no others.
async function cookiesFor(links) {
  const origins = new Set(links.map((link) => new URL(link.url).origin));
  const cookies = new Map();
  for (const origin of origins) {
    for (const c of await api.cookies.getAll({ url: origin + "/" })) {
      const key = `${c.domain}\t${c.path}\t${c.name}`;
      cookies.set(key, { domain: c.domain, name: c.name, value: c.value, path: c.path, secure: c.secure });
    }
  }
  return [...cookies.values()];
}

async function inPage(tab, func, args = []) {
  const [result] = await api.scripting.executeScript({ target: { tabId: tab.id }, func, args });
  return result?.result ?? [];
}

async function linksFor(kind, info, tab) {
  if (kind === "link") {
    // The page may not allow scripts (a browser page): the link alone still goes.
    try {
      return await inPage(tab, linkNamed, [info.linkUrl]);
    } catch {
      return [{ url: info.linkUrl }];
    }
  }
  if (kind === "selection") {
    try {
      return await inPage(tab, selectedLinks);
    } catch {
      return [...(info.selectionText ?? "").matchAll(/https?:\/\/\S+/g)].map((m) => ({ url: m[0] }));
    }
  }
  return inPage(tab, pageLinks);
}

function show(tab, ok, text) {
  api.action.setBadgeText({ tabId: tab.id, text: ok ? "✓" : "!" });
  api.action.setBadgeBackgroundColor({ tabId: tab.id, color: ok ? "#2e7d32" : "#c62828" });
  api.action.setTitle({ tabId: tab.id, title: text });
}

async function send(kind, info, tab) {
  const links = tidy(await linksFor(kind, info, tab));
  if (links.length === 0) {
    show(tab, false, api.i18n.getMessage("noLinks"));
    return;
  }
  const page = info.pageUrl ?? tab.url;
  const message = {
    links,
    user_agent: navigator.userAgent,
    cookies: await cookiesFor(links),
  };
  if (isWeb(page)) {
    message.page = page;
    // A page that is no web page (a file, a browser page) has nothing to choose from there:
    // its links go to the links box as plain links.
    if (kind === "page") message.kind = "page";
  }
  try {
    const reply = await api.runtime.sendNativeMessage(HOST, message);
    if (reply?.ok) {
      const said = message.kind === "page" ? "offered" : "sent";
      show(tab, true, api.i18n.getMessage(said, [String(reply.added)]));
    } else {
      show(tab, false, reply?.error ?? api.i18n.getMessage("noAnswer"));
    }
  } catch (err) {
    show(tab, false, api.i18n.getMessage("notInstalled") + " (" + err.message + ")");
  }
}

api.contextMenus.onClicked.addListener((info, tab) => {
  send(info.menuItemId, info, tab);
});

api.action.onClicked.addListener((tab) => {
  send("page", { pageUrl: tab.url }, tab);
});

// For the end-to-end test, which drives the service worker: the same path as the menu.
globalThis.downpourSend = send;
