// Swagger UI for /api/v1/openapi.json, served from this host only (no CDN, no inline script).
/* global SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", () => {
  SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // the default validator is a third-party host
    tryItOutEnabled: false,
    withCredentials: true,
  });
});
