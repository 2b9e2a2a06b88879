// Drom's local web chat: posts to /api/messages and polls for champion replies.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const input = document.getElementById("text");
  let user = localStorage.getItem("drom-user");
  if (!user) {
    user = "web-" + Math.random().toString(36).slice(2, 12);
    localStorage.setItem("drom-user", user);
  }
  const hint = (navigator.language || "").slice(0, 5);

  function show(role, message) {
    const item = document.createElement("li");
    item.className = role;
    item.textContent = message.text || "";
    if (message.audio && message.audio.url) {
      const player = document.createElement("audio");
      player.controls = true;
      player.src = message.audio.url;
      item.appendChild(document.createElement("br"));
      item.appendChild(player);
    }
    if (message.buttons && message.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const button of message.buttons) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.title;
        element.addEventListener("click", () => send({ payload: button.payload }, button.title));
        row.appendChild(element);
      }
      item.appendChild(row);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  async function send(body, echo) {
    show("person", { text: echo });
    const response = await fetch("/api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ user: user, language_hint: hint }, body)),
    });
    const data = await response.json();
    (data.messages || []).forEach((m) => show("bot", m));
    if (data.error) show("bot", { text: data.error });
  }

  async function poll() {
    try {
      const response = await fetch("/api/messages?user=" + encodeURIComponent(user));
      const data = await response.json();
      (data.messages || []).forEach((m) => show("bot", m));
    } catch (error) { /* the gateway restarts; try again at the next tick */ }
  }

  document.getElementById("send").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text);
  });
  document.getElementById("forget").addEventListener("click", async () => {
    const response = await fetch("/api/forget", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: user, language_hint: hint }),
    });
    const data = await response.json();
    log.replaceChildren();
    (data.messages || []).forEach((m) => show("bot", m));
    if (data.error) show("bot", { text: data.error });
  });
  setInterval(poll, 3000);
})();
