// Progressive enhancement for long form posts (imports): while the server works, say so in a live
// region and keep the button from being pressed twice. Without JavaScript the form still works.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busyText) {
    return;
  }
  const status = form.querySelector("[data-busy-status]");
  if (status) {
    status.textContent = form.dataset.busyText;
    status.hidden = false;
  }
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.setAttribute("aria-disabled", "true");
    button.addEventListener("click", (e) => e.preventDefault());
  }
});
