// Small behaviours shared by every page (no inline scripts: the Content-Security-Policy
// allows scripts from this site only).
document.addEventListener('click', function (event) {
  const link = event.target.closest('[data-history-back]');
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
