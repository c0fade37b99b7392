// A button with data-print prints the page (the print stylesheet hides the navigation).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
