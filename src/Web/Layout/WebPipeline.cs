using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace ClpMailGateway.Web.Layout;

/// <summary>Headers on every response, and plain pages for bodiless error statuses (a refused form, a too-large upload).</summary>
public static class WebPipeline
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // Sign-in and unsubscribe links carry secrets in the path: never send them on as a referrer.
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
            await next(context);
        });

    public static IApplicationBuilder UseHtmlStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(statusContext =>
        {
            var context = statusContext.HttpContext;
            context.Response.StatusCode = TooLargeOr(context, context.Response.StatusCode);
            return WriteStatusPageAsync(context, context.Response.StatusCode);
        });

    /// <summary>A body over the endpoint's limit fails the form's token check first (the check reads the body); the
    /// size, not the token, is what the sender must change.</summary>
    private static int TooLargeOr(HttpContext context, int status) =>
        status == StatusCodes.Status400BadRequest && context.Request.ContentLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize
            ? StatusCodes.Status413PayloadTooLarge
            : status;

    /// <summary>A refused form (antiforgery, an unreadable or too large body) is the client's problem and gets its
    /// status and a plain page; anything else is a 500 with a plain page, never a stack trace.</summary>
    public static IApplicationBuilder UseHtmlExceptionPage(this IApplicationBuilder app) =>
        app.UseExceptionHandler(error => error.Run(context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var antiforgeryFailed = context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false };
            var status = exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                AntiforgeryValidationException => StatusCodes.Status400BadRequest,
                _ when antiforgeryFailed => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status500InternalServerError,
            };
            status = TooLargeOr(context, status);
            context.Response.StatusCode = status;
            return WriteStatusPageAsync(context, status);
        }));

    private static async Task WriteStatusPageAsync(HttpContext context, int status)
    {
        var (heading, text) = status switch
        {
            StatusCodes.Status400BadRequest => ("The form could not be read", "It may have been open too long. Go back, reload the page and try again."),
            StatusCodes.Status404NotFound => ("Not found", "There is nothing here, or it is not shared with you."),
            StatusCodes.Status405MethodNotAllowed => ("Not possible here", "This address does not take that kind of request."),
            StatusCodes.Status413PayloadTooLarge => ("Too large", "The upload is larger than the server accepts. Each attachment may be at most 10 MB, at most 20 per message."),
            StatusCodes.Status415UnsupportedMediaType => ("The form could not be read", "Send it from the page's own form."),
            StatusCodes.Status500InternalServerError => ("Something went wrong", "The request could not be completed. Try again in a moment."),
            _ => ("Something went wrong", "The request could not be completed."),
        };
        context.Response.ContentType = "text/html; charset=utf-8";
        var body = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + $"<title>{Html.E(heading)} · CLP Mail Gateway</title><link rel=\"stylesheet\" href=\"{AssetEndpoints.CssPath}\"></head><body>"
            + $"<header class=\"site\"><div class=\"bar\"><a class=\"brand\" href=\"/\">CLP Mail Gateway</a></div></header>"
            + $"<main id=\"main\"><h1>{Html.E(heading)}</h1><p>{Html.E(text)}</p><p><a href=\"/titles\">Back to my titles</a></p></main></body></html>";
        await context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }
}
