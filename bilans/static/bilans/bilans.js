// The class fill page of bilans: arrow keys move between cells, a digit or a level's code (B then M for BM) sets
// the level and moves on, each change is saved at once without reloading the page. Each save sends the line's
// revision the author saw (data-vu); the server answers with the cell's HTML (409 when someone changed it
// meanwhile: nothing is overwritten and the cell says so). Without JavaScript the whole form posts.
(function () {
  "use strict";
  const table = document.getElementById("bilan-feuille");
  if (!table || table.dataset.saisie !== "1") return;
  const annonce = document.getElementById("bilan-annonce");
  const csrf = (document.body.getAttribute("hx-headers") || "").match(/"x-csrftoken":\s*"([^"]+)"/i);
  const enCours = {}; // line pk → the promise of its last save: saves of one cell run one after the other
  let tampon = "", minuteur = null; // letters typed so far, for multi-letter codes

  function rows() { return Array.from(table.tBodies[0].rows); }
  function cells(row) { return Array.from(row.querySelectorAll("td.bilan-cellule")); }
  function position(td) { const row = td.parentNode; return [rows().indexOf(row), cells(row).indexOf(td)]; }
  function cellOf(pk) { return table.querySelector("td.bilan-cellule[data-ligne='" + pk + "']"); }
  function label(td) {
    const [r, c] = position(td);
    const head = table.tHead.rows[0].cells[c + 1];
    return rows()[r].cells[0].textContent.trim() + ", " + (head.querySelector("abbr") || head).textContent.trim();
  }

  function focusCell(td) {
    if (!td) return;
    const select = td.querySelector("select");
    if (!select) return;
    table.querySelectorAll("select[tabindex='0']").forEach(function (s) { s.tabIndex = -1; });
    select.tabIndex = 0;
    select.focus();
  }

  // The next editable cell from (r, c) in a direction; validated rows (no select) are skipped, and going right
  // past the end of a row goes on to the next learner.
  function next(r, c, dr, dc) {
    const all = rows();
    for (;;) {
      r += dr; c += dc;
      if (r < 0 || r >= all.length || c < 0) return null;
      const row = cells(all[r]);
      if (c >= row.length) {
        if (dc <= 0) return null;
        r += 1; c = -1;
        continue;
      }
      if (row[c].querySelector("select")) return row[c];
    }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
      headers: {"X-CSRFToken": csrf ? csrf[1] : "", "HX-Request": "true"},
    }).then(function (response) {
      return response.text().then(function (text) { return {ok: response.ok, status: response.status, text: text}; });
    });
  }

  function save(td, code) {
    const pk = td.dataset.ligne;
    td.querySelector("select").value = code;
    annonce.textContent = "Enregistrement…";
    enCours[pk] = (enCours[pk] || Promise.resolve()).then(function () {
      const cell = cellOf(pk);
      const url = table.dataset.urlLigne.replace(/\/0\/$/, "/" + pk + "/");
      return post(url, {niveau: code, vu: cell.dataset.vu}).then(function (res) {
        if (!res.text.trim().startsWith("<td")) { annonce.textContent = "Non enregistré : " + res.text; return; }
        const avant = cellOf(pk);
        const focus = avant.contains(document.activeElement);
        const nom = label(avant);
        avant.outerHTML = res.text;
        const nouvelle = cellOf(pk);
        const select = nouvelle.querySelector("select");
        if (select) select.tabIndex = focus ? 0 : -1;
        if (focus) focusCell(nouvelle);
        const alerte = nouvelle.querySelector(".bilan-alerte");
        annonce.textContent = res.ok ? "Enregistré : " + nom + " : " + nouvelle.dataset.valeur + "."
          : "Non enregistré : " + nom + " : " + (alerte ? alerte.textContent : res.text);
      });
    }).catch(function () { annonce.textContent = "Non enregistré : connexion perdue, réessayez."; });
  }

  function choose(td, code) {
    save(td, code);
    const [r, c] = position(td);
    focusCell(next(r, c, 0, 1));
  }

  function typed(td, key) {
    const select = td.querySelector("select");
    const options = Array.from(select.options).filter(function (o) { return o.value; });
    const digit = options.find(function (o) { return o.dataset.touche === key; });
    if (digit) { tampon = ""; choose(td, digit.value); return; }
    clearTimeout(minuteur);
    tampon += key.toUpperCase();
    const codes = options.map(function (o) { return o.value.toUpperCase(); });
    if (!codes.some(function (code) { return code.startsWith(tampon); })) tampon = key.toUpperCase();
    const longer = codes.filter(function (code) { return code.startsWith(tampon) && code !== tampon; });
    const exact = options.find(function (o) { return o.value.toUpperCase() === tampon; });
    if (exact && !longer.length) { tampon = ""; choose(td, exact.value); return; }
    if (exact) { minuteur = setTimeout(function () { tampon = ""; choose(td, exact.value); }, 700); return; }
    if (!longer.length) { annonce.textContent = "Aucun niveau « " + tampon + " »."; tampon = ""; return; }
    minuteur = setTimeout(function () { tampon = ""; }, 1200);
  }

  table.addEventListener("keydown", function (event) {
    const select = event.target.closest("td.bilan-cellule select");
    if (!select || event.ctrlKey || event.metaKey) return;
    const td = select.closest("td");
    const moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    if (moves[event.key] && !event.altKey) {
      const [r, c] = position(td);
      focusCell(next(r, c, moves[event.key][0], moves[event.key][1]));
      event.preventDefault();
      return;
    }
    if (!event.altKey && event.key.length === 1 && /[0-9a-z]/i.test(event.key)) {
      typed(td, event.key);
      event.preventDefault(); // the browser's own type-ahead would pick another option
    }
  });

  table.addEventListener("change", function (event) {
    const select = event.target.closest("td.bilan-cellule select");
    if (select) save(select.closest("td"), select.value);
  });

  table.addEventListener("focusin", function (event) {
    const select = event.target.closest("td.bilan-cellule select");
    if (select) {
      table.querySelectorAll("select[tabindex='0']").forEach(function (s) { if (s !== select) s.tabIndex = -1; });
      select.tabIndex = 0;
    }
  });

  // One tab stop for the whole table: Tab leaves it, arrows move inside.
  const selects = table.querySelectorAll("td.bilan-cellule select");
  selects.forEach(function (s, i) { s.tabIndex = i === 0 ? 0 : -1; });
})();
