// "Download as PNG" for a chart: fetch the standalone SVG, draw it on a canvas, save.
// The button stays hidden without JavaScript; the SVG and CSV downloads always work.
for (const button of document.querySelectorAll("[data-chorus-png]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const response = await fetch(button.dataset.chorusPng, { credentials: "same-origin" });
    const svg = await response.text();
    const image = new Image();
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = 1040;
    canvas.height = 1040;
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = button.dataset.filename || "chart.png";
      link.click();
      URL.revokeObjectURL(link.href);
    }, "image/png");
  });
}
