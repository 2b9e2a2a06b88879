// The Drom console's only script: live lists (server-sent events), the answer preview, one-click
// FAQ insertion. Text from the server is always set with textContent, never as HTML.
"use strict";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function liveInbox(table) {
  const labels = table.dataset;
  const body = table.querySelector("tbody");
  const source = new EventSource(labels.events);
  source.onmessage = (event) => {
    const rows = JSON.parse(event.data);
    body.replaceChildren();
    if (!rows.length) {
      const tr = el("tr", "empty");
      const td = el("td", "", labels.labelEmpty);
      td.colSpan = 5;
      tr.append(td);
      body.append(tr);
    }
    for (const row of rows) {
      const tr = el("tr", row.urgent ? "urgent" : "");
      tr.dataset.handoff = row.id;
      const first = el("td");
      const link = el("a", "", "#" + row.id);
      link.href = "/console/handoffs/" + row.id;
      first.append(link);
      if (row.urgent) first.append(" ", el("span", "badge urgent", labels.labelUrgent));
      if (row.last_role === "person") first.append(" ", el("span", "badge", labels.labelNewMessage));
      const status = row.claimed_by ? labels.labelClaimed + " " + row.claimed_by : labels.labelWaiting;
      tr.append(first, el("td", "", row.language), el("td", "", row.channel), el("td", "", status),
                el("td", "", row.waiting_minutes + " " + labels.labelMinutes));
      body.append(tr);
    }
  };
}

function liveTranscript(list) {
  const source = new EventSource(list.dataset.events);
  source.onmessage = (event) => {
    const state = JSON.parse(event.data);
    const known = new Set([...list.querySelectorAll("li")].map((li) => li.dataset.id));
    for (const line of state.lines) {
      if (known.has(String(line.id))) continue;
      const li = el("li", "line " + line.role);
      li.dataset.id = line.id;
      li.append(el("span", "who", line.role), el("time", "", line.at), el("p", "", line.text));
      for (const file of line.attachments) {
        const a = el("a", "", file.filename);
        a.href = "/console/handoffs/" + list.dataset.handoff + "/files/" + file.id;
        li.append(a);
      }
      list.append(li);
    }
    if (state.status !== "open") {
      document.getElementById("handoff-status").textContent = list.dataset.labelClosed;
      source.close();
    }
  };
}

function preview(textarea) {
  const telegram = document.getElementById("preview-telegram");
  const whatsapp = document.getElementById("preview-whatsapp");
  const length = document.getElementById("length");
  const update = () => {
    const full = textarea.value.trim() + "\n\n" + telegram.dataset.footer;
    telegram.textContent = full;
    whatsapp.textContent = full;
    const label = length.dataset.label.replace("{telegram}", length.dataset.telegram)
      .replace("{whatsapp}", length.dataset.whatsapp);
    length.textContent = full.length + " " + label;
    length.classList.toggle("over", full.length > Number(length.dataset.whatsapp));
  };
  textarea.addEventListener("input", update);
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  const inbox = document.getElementById("inbox");
  if (inbox) liveInbox(inbox);
  const transcript = document.getElementById("transcript");
  if (transcript) liveTranscript(transcript);
  const answer = document.getElementById("answer-text");
  if (answer) preview(answer);
  const reply = document.getElementById("reply-text");
  for (const button of document.querySelectorAll(".insert-answer")) {
    button.addEventListener("click", () => {
      reply.value = (reply.value ? reply.value + "\n\n" : "") + button.dataset.text;
      reply.focus();
    });
  }
  const retrain = document.getElementById("retrain");
  if (retrain && retrain.dataset.running === "yes") setTimeout(() => location.reload(), 5000);
});
