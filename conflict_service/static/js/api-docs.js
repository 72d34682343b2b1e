// Interactive API documentation, served with the project's own copy of Swagger UI (no CDN).
window.addEventListener("load", function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
