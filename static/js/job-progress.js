// The progress bar of a background job (CSV import): polls the page's small JSON endpoint and
// updates the bar and its sentences; reloads once the job has ended, so the server renders the
// result. A static file because the Content Security Policy forbids inline script.
(function () {
  const box = document.querySelector("[data-job-progress]");
  if (!box || box.dataset.finished === "true") return;
  const url = box.dataset.jobProgress;
  const bar = box.querySelector("[role=progressbar]");
  async function poll() {
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (error) {
      window.setTimeout(poll, 3000);
      return;
    }
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    bar.setAttribute("aria-valuenow", String(data.percent));
    bar.setAttribute("aria-valuetext", data.percent + "%");
    for (const field of box.querySelectorAll("[data-job-field]")) {
      const value = data[field.dataset.jobField];
      field.textContent = value === null || value === undefined ? "" : String(value);
    }
    if (data.finished) {
      window.setTimeout(() => window.location.reload(), 400);
      return;
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
