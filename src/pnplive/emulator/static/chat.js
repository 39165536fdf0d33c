// The emulator's chat page: pick a persona, read the conversation (long-polled), act as them.
"use strict";
const BASE = document.body.dataset.base;
const $ = (id) => document.getElementById(id);
let botId = null, userId = null, revision = 0, session = 0;

async function api(path, options = {}) {
  const response = await fetch(`${BASE}/api/${path}`, options);
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}
const postJson = (path, body) => api(path, {
  method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
});
const chatPath = () => `chats/${botId}/${userId}`;
const fileUrl = (url) => (url.startsWith("http") ? url : `${BASE}/${url}`);

function element(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "html") node.innerHTML = value; // server-rendered, escaped HTML
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  children.forEach((child) => child && node.appendChild(child));
  return node;
}

function renderMessage(m) {
  const parts = [];
  if (m.photo) parts.push(element("img", { src: fileUrl(m.photo.url), alt: m.photo.name }));
  if (m.document) parts.push(element("a", { href: fileUrl(m.document.url), download: m.document.name, text: `📄 ${m.document.name}` }));
  if (m.invoice) {
    const inv = m.invoice;
    parts.push(element("div", { class: "invoice" }, [
      element("strong", { text: inv.title }), element("div", { text: inv.description }),
    ]));
    if (!m.buttons.length) m.buttons = [[{ text: `Pay ${inv.total_amount} ⭐`, kind: "pay", synthetic: true }]];
  }
  if (m.html) parts.push(element("div", { html: m.html }));
  if (m.paid) parts.push(element("div", { text: `✅ Paid ${m.paid.total_amount} ⭐` }));
  if (m.buttons.length) {
    parts.push(element("div", { class: "keyboard" }, m.buttons.map((row, r) =>
      element("div", { class: "row" }, row.map((b, c) => element("button", {
        text: b.text,
        onclick: () => press(m, r, c, b),
      }))))));
  }
  const time = new Date(m.date * 1000).toLocaleTimeString();
  parts.push(element("div", { class: "meta", text: `${m.edited ? "edited " : ""}${time}` }));
  return element("div", { class: `msg ${m.from_bot ? "bot" : "me"}` }, parts);
}

function showNotice(notice) {
  if (notice.show_alert) { window.alert(notice.text); return; }
  const node = element("div", { class: "notice", text: notice.text });
  $("notices").appendChild(node);
  setTimeout(() => node.remove(), 4000);
}

function render(view) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.replaceChildren(...view.messages.map(renderMessage));
  if (atBottom) box.scrollTop = box.scrollHeight;
  view.notices.forEach(showNotice);
  $("blocked").checked = view.blocked;
  $("status").textContent = view.chat_action ? `bot is ${view.chat_action.replace("_", " ")}…` : "";
  const menuApp = view.menu_app
    ? [element("button", { class: "menu-app", text: view.menu_app.text, title: view.menu_app.url, onclick: openMenuApp })]
    : [];
  $("commands").replaceChildren(...menuApp, ...view.commands.map((c) =>
    element("button", { text: `/${c.command}`, title: c.description, onclick: () => sendText(`/${c.command}`) })));
  $("reply-keyboard").replaceChildren(...view.reply_keyboard.map((row) =>
    element("div", { class: "row" }, row.map((text) => element("button", { text, onclick: () => sendText(text) })))));
}

async function poll(mine) {
  while (mine === session) {
    try {
      const view = await api(`${chatPath()}?since=${revision}&wait=20`);
      if (mine !== session) return;
      if (view.revision !== revision) { revision = view.revision; render(view); }
    } catch (error) {
      showNotice({ text: `Connection problem: ${error.message}` });
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function press(message, row, column, button) {
  try {
    const result = button.synthetic
      ? await postJson(`${chatPath()}/pay`, { message_id: message.message_id })
      : await postJson(`${chatPath()}/press`, { message_id: message.message_id, row, column });
    if (result.kind === "url" || result.kind === "web_app") window.open(result.value, "_blank");
  } catch (error) { showNotice({ text: error.message, show_alert: true }); }
}

async function openMenuApp() {
  try {
    const result = await postJson(`${chatPath()}/menu`, {});
    window.open(result.value, "_blank");
  } catch (error) { showNotice({ text: error.message, show_alert: true }); }
}

async function sendText(text) {
  if (text.trim()) await postJson(`${chatPath()}/messages`, { text });
}

function openChat() {
  botId = $("bot").value; userId = $("persona").value; revision = 0; session += 1;
  $("messages").replaceChildren();
  localStorage.setItem("emulator-persona", userId);
  poll(session);
}

async function start() {
  const { bots, personas } = await api("personas");
  $("bot").replaceChildren(...bots.map((b) => element("option", { value: b.bot_id, text: `@${b.username}` })));
  $("persona").replaceChildren(...personas.map((p) => element("option", {
    value: p.telegram_id,
    text: `${p.first_name}${p.username ? " @" + p.username : ""}${p.label ? " — " + p.label : ""} (${p.language_code})`,
  })));
  const remembered = localStorage.getItem("emulator-persona");
  if (remembered && personas.some((p) => String(p.telegram_id) === remembered)) $("persona").value = remembered;
  $("bot").addEventListener("change", openChat);
  $("persona").addEventListener("change", openChat);
  $("blocked").addEventListener("change", (e) => postJson(`${chatPath()}/block`, { blocked: e.target.checked }));
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("text").value;
    $("text").value = "";
    await sendText(text);
  });
  $("photo").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("photo", file);
    form.append("caption", $("text").value);
    $("text").value = "";
    await api(`${chatPath()}/photos`, { method: "POST", body: form });
    event.target.value = "";
  });
  openChat();
}

start();
