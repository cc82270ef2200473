// The interactive reference of this server's API, from its own OpenAPI file. "Authorize" takes a bearer
// token (java -jar vyoma.jar token --sub <user_id>) and keeps it across reloads.
window.ui = SwaggerUIBundle({
  url: "/openapi.yaml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
});
