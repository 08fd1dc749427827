// The class grid: one keystroke or one tap per cell, saved at once, undoable (Ctrl+Z), without a page reload.
// Each save posts the cell and the event the author saw (data-vu); the server answers with the cell's HTML.
(function () {
  "use strict";
  const table = document.getElementById("grille");
  if (!table) return;
  const saisie = table.dataset.saisie === "1";
  const champ = table.dataset.champ;
  const annonce = document.getElementById("grille-annonce");
  const annulerBtn = document.getElementById("grille-annuler");
  const choix = document.getElementById("grille-choix");
  const commentaire = document.getElementById("grille-commentaire");
  const historique = document.getElementById("grille-historique");
  const csrf = (document.body.getAttribute("hx-headers") || "").match(/"x-csrftoken":\s*"([^"]+)"/i);
  const touches = {};
  const pile = []; // saves from this page in the order they were made (each a promise of its event id), for Ctrl+Z
  let courante = null; // the cell the chooser is open for

  document.querySelectorAll(".grille-legende li").forEach(function (li) {
    const key = li.querySelector("kbd").textContent.trim().toLowerCase();
    const bouton = choix && choix.querySelectorAll(".grille-choix-boutons button")[Array.from(li.parentNode.children).indexOf(li)];
    if (bouton) touches[key] = bouton.dataset.valeur;
  });

  function rows() { return Array.from(table.tBodies[0].rows); }
  function cellAt(r, c) {
    const row = rows()[r];
    return row ? row.querySelectorAll("td.grille-cellule")[c] : null;
  }
  function position(td) {
    const row = td.parentNode;
    return [rows().indexOf(row), Array.from(row.querySelectorAll("td.grille-cellule")).indexOf(td)];
  }
  function focusCell(td) {
    if (!td) return;
    table.querySelectorAll(".grille-btn[tabindex='0']").forEach(function (b) { b.tabIndex = -1; });
    const b = td.querySelector(".grille-btn");
    b.tabIndex = 0;
    b.focus();
  }
  function label(td) { return td.querySelector(".grille-btn").getAttribute("aria-label"); }

  function post(url, data) {
    const body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf ? csrf[1] : "", "HX-Request": "true"},
    }).then(function (response) {
      return response.text().then(function (text) { return {ok: response.ok, status: response.status, text: text}; });
    });
  }

  const progression = document.getElementById("grille-progression");
  function majProgression() {
    if (!progression) return;
    const n = table.querySelectorAll("td.grille-cellule:not([data-valeur=''])").length;
    const s = n > 1 ? "s" : "";
    progression.textContent = n + " cellule" + s + " renseignée" + s + " sur " + progression.dataset.total + ".";
  }

  function replace(td, html) {
    const [r, c] = position(td);
    const focus = td.contains(document.activeElement);
    td.outerHTML = html;
    const nouvelle = cellAt(r, c);
    if (focus) focusCell(nouvelle);
    majProgression();
    return nouvelle;
  }

  // Saves of one cell run one after the other, each sending the event the previous one left (data-vu), so a
  // quick double keystroke is never mistaken for a colleague's change.
  const enCours = {};
  function cellOf(key) {
    const parts = key.split(":");
    return table.querySelector("td.grille-cellule[data-apprenant='" + parts[0] + "'][data-colonne='" + parts[1] + "']");
  }

  function save(td, valeur, texte) {
    if (!saisie || !td) return;
    const key = td.dataset.apprenant + ":" + td.dataset.colonne;
    annonce.textContent = "Enregistrement…";
    annulerBtn.hidden = false;
    const attente = (enCours[key] || Promise.resolve()).then(function () {
      const cell = cellOf(key);
      const data = {apprenant: cell.dataset.apprenant, valeur: valeur, vu: cell.dataset.vu,
                    commentaire: texte === undefined ? cell.dataset.commentaire : texte};
      data[champ] = cell.dataset.colonne;
      return post(table.dataset.urlCellule, data).then(function (res) {
        if (!res.text.trim().startsWith("<td")) { annonce.textContent = res.text; return null; }
        const nouvelle = replace(cellOf(key), res.text);
        if (res.ok) {
          annonce.textContent = "Enregistré : " + label(nouvelle) +
            (nouvelle.classList.contains("grille-conflit") ? ". Attention : la cellule avait changé entre-temps." : ".");
          return nouvelle.dataset.vu;
        }
        annonce.textContent = "Non enregistré : " + (nouvelle.querySelector(".grille-alerte") || {}).textContent;
        return null;
      });
    }).catch(function () { annonce.textContent = "Non enregistré : connexion perdue, réessayez."; return null; });
    enCours[key] = attente;
    pile.push(attente);
  }

  function undo() {
    const attente = pile.pop();
    annulerBtn.hidden = pile.length === 0;
    if (!attente) { annonce.textContent = "Rien à annuler."; return; }
    attente.then(function (id) {
      if (!id) { annonce.textContent = "Rien à annuler : cet enregistrement n'a pas abouti."; return null; }
      const td = table.querySelector("td.grille-cellule[data-vu='" + id + "']");
      return post(table.dataset.urlAnnuler, {evaluation: id}).then(function (res) { return [td, res]; });
    }).then(function (pair) {
      if (!pair) return;
      const td = pair[0], res = pair[1];
      if (td && res.text.trim().startsWith("<td")) {
        const nouvelle = replace(td, res.text);
        annonce.textContent = res.ok ? "Annulé : " + label(nouvelle) + "." :
          "Non annulé : " + (nouvelle.querySelector(".grille-alerte") || {}).textContent;
      } else {
        annonce.textContent = res.text;
      }
    });
  }

  function openChoix(td) {
    if (!choix) return;
    courante = td;
    document.getElementById("grille-choix-titre").textContent = label(td);
    if (commentaire) commentaire.value = td.dataset.commentaire || "";
    historique.innerHTML = "";
    const rect = td.getBoundingClientRect();
    choix.style.top = (window.scrollY + rect.bottom + 4) + "px";
    choix.style.left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - 340)) + "px";
    choix.hidden = false;
    const first = choix.querySelector("button");
    if (first) first.focus();
  }
  function closeChoix() {
    if (!choix || choix.hidden) return;
    choix.hidden = true;
    if (courante && document.body.contains(courante)) focusCell(courante);
  }

  table.addEventListener("click", function (event) {
    const b = event.target.closest(".grille-btn");
    if (b) { focusCell(b.closest("td")); openChoix(b.closest("td")); }
  });

  table.addEventListener("keydown", function (event) {
    const b = event.target.closest(".grille-btn");
    if (!b) return;
    const td = b.closest("td");
    const [r, c] = position(td);
    const moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    if (moves[event.key]) {
      const target = cellAt(r + moves[event.key][0], c + moves[event.key][1]);
      if (target) focusCell(target);
      event.preventDefault();
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") { undo(); event.preventDefault(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter" || event.key === " ") { openChoix(td); event.preventDefault(); return; }
    if (event.key === "Backspace" || event.key === "Delete") { save(td, ""); event.preventDefault(); return; }
    const valeur = touches[event.key.toLowerCase()];
    if (valeur !== undefined) {
      save(td, valeur);
      event.preventDefault();
      // Move to the next cell of the row, so a row is filled with one key per cell.
      const next = cellAt(r, c + 1);
      if (next) focusCell(next);
    }
  });

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !event.target.closest("#grille, textarea, input")) {
      undo(); event.preventDefault();
    }
    if (event.key === "Escape") closeChoix();
  });

  // The comment on a learner's whole work: its own column, saved with its button.
  table.addEventListener("click", function (event) {
    const b = event.target.closest(".grille-com-ok");
    if (!b) return;
    const td = b.closest("td");
    const apprenant = td.dataset.apprenant;
    post(table.dataset.urlCommentaire, {apprenant: apprenant, texte: td.querySelector("textarea").value})
      .then(function (res) {
        if (!res.text.trim().startsWith("<td")) { annonce.textContent = res.text; return; }
        td.outerHTML = res.text;
        const nouvelle = table.querySelector("td.grille-commentaire[data-apprenant='" + apprenant + "']");
        nouvelle.querySelector("button").focus();
        annonce.textContent = res.ok ? "Commentaire enregistré." :
          "Commentaire non enregistré : " + (nouvelle.querySelector(".grille-alerte") || {}).textContent;
      });
  });

  if (annulerBtn) annulerBtn.addEventListener("click", undo);
  if (choix) {
    choix.addEventListener("click", function (event) {
      const b = event.target.closest(".grille-choix-boutons button");
      if (b && courante) {
        const td = courante;
        closeChoix();
        save(td, b.dataset.valeur, commentaire ? commentaire.value : undefined);
      }
    });
    const ok = document.getElementById("grille-commentaire-ok");
    if (ok) ok.addEventListener("click", function () {
      const td = courante;
      closeChoix();
      save(td, td.dataset.valeur, commentaire.value);
    });
    document.getElementById("grille-fermer").addEventListener("click", closeChoix);
    document.getElementById("grille-historique-btn").addEventListener("click", function () {
      if (!courante) return;
      const params = new URLSearchParams({apprenant: courante.dataset.apprenant});
      params.set(champ, courante.dataset.colonne);
      fetch(table.dataset.urlHistorique + "?" + params.toString(), {credentials: "same-origin"})
        .then(function (r) { return r.text(); })
        .then(function (html) { historique.innerHTML = html; });
    });
  }

  const first = table.querySelector(".grille-btn");
  if (first) first.tabIndex = 0;
})();
