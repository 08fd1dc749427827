// After an HTMX swap, the keyboard focus is never left on nothing: HTMX puts it back on an element with the same
// id when there is one; otherwise (the focused element was replaced) it goes to the main content.
document.addEventListener("htmx:afterSettle", function () {
  if (!document.activeElement || document.activeElement === document.body) {
    var main = document.getElementById("contenu");
    if (main) main.focus({preventScroll: true});
  }
});
