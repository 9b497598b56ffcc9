// The practice graph's details: a click (or Enter) on a node lists the
// documents and lines of its practices and dims what it is not joined to.
// Policy text reaches the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var details = document.getElementById("details");
  var svg = document.getElementById("graph");
  if (!svg || !details) return;
  var kinds = { actor: "actor role", action: "action class", data: "data category", purpose: "purpose" };
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function show(i) {
    var n = data.nodes[i];
    if (!n) return;
    details.replaceChildren();
    details.appendChild(el("h3", n.label));
    details.appendChild(el("p", kinds[n.kind] + (n.sensitive ? " · sensitive" : "") + " · " + n.practices + " practices"));
    var list = el("ul");
    n.places.forEach(function (p) {
      var doc = data.docs[p[0]];
      var item = el("li");
      item.appendChild(el("span", doc.name + ": "));
      p[1].forEach(function (line, k) {
        if (k > 0) item.appendChild(document.createTextNode(", "));
        if (doc.link) {
          var a = el("a", String(line));
          a.href = doc.link + "#L" + line;
          item.appendChild(a);
        } else {
          item.appendChild(document.createTextNode(String(line)));
        }
      });
      list.appendChild(item);
    });
    details.appendChild(list);
    var joined = {};
    joined[i] = true;
    svg.querySelectorAll(".edge").forEach(function (e) {
      var on = e.dataset.from === String(i) || e.dataset.to === String(i);
      e.classList.toggle("dim", !on);
      if (on) { joined[e.dataset.from] = true; joined[e.dataset.to] = true; }
    });
    svg.querySelectorAll(".node").forEach(function (g) {
      g.classList.toggle("dim", !joined[g.dataset.node]);
      g.classList.toggle("selected", g.dataset.node === String(i));
    });
  }
  // A tall graph opens on its most named role, where reading starts.
  var box = svg.parentNode;
  var first = svg.querySelector(".node.actor");
  if (first && box.scrollHeight > box.clientHeight) {
    var r = first.getBoundingClientRect(), b = box.getBoundingClientRect();
    box.scrollTop += r.top - b.top - box.clientHeight / 2;
  }
  svg.querySelectorAll(".node").forEach(function (g) {
    g.addEventListener("click", function () { show(Number(g.dataset.node)); });
    g.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(Number(g.dataset.node)); }
    });
  });
})();
// In a VS Code webview, a line link opens the line in the editor instead.
(function () {
  "use strict";
  if (typeof acquireVsCodeApi !== "function") return;
  var vscode = acquireVsCodeApi();
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a[href^='file:']") : null;
    if (!a) return;
    ev.preventDefault();
    vscode.postMessage({ open: a.getAttribute("href") });
  });
})();
