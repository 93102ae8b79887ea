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
            // One script runs, the upload size check, allowed by its hash: a message that slipped markup through could
            // run nothing, not even a file served from our own origin.
            headers.ContentSecurityPolicy = context.RequestServices.GetRequiredService<SiteAssets>().ContentSecurityPolicy;
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

    private static Task WriteStatusPageAsync(HttpContext context, int status)
    {
        // The exception handler runs outside the localization middleware; the culture it chose is on the request.
        if (context.Features.Get<Microsoft.AspNetCore.Localization.IRequestCultureFeature>() is { } culture)
        {
            System.Globalization.CultureInfo.CurrentCulture = culture.RequestCulture.Culture;
            System.Globalization.CultureInfo.CurrentUICulture = culture.RequestCulture.UICulture;
        }

        var (heading, text) = status switch
        {
            StatusCodes.Status400BadRequest => ("Status400", "Status400Text"),
            StatusCodes.Status404NotFound => ("NotFound", "NotFoundText"),
            StatusCodes.Status405MethodNotAllowed => ("Status405", "Status405Text"),
            StatusCodes.Status413PayloadTooLarge => ("Status413", "Status413Text"),
            StatusCodes.Status415UnsupportedMediaType => ("Status400", "Status415Text"),
            StatusCodes.Status429TooManyRequests => ("Status429", "Status429Text"),
            StatusCodes.Status500InternalServerError => ("Status500", "Status500Text"),
            _ => ("Status500", "StatusOtherText"),
        };
        var explanation = status == StatusCodes.Status413PayloadTooLarge
            ? Phrase.Of<SharedStrings>(text, Posting.PostingLimits.Describe(Posting.PostingLimits.MaxAttachmentBytes), Posting.PostingLimits.MaxAttachments)
            : Phrase.Of<SharedStrings>(text);
        return Pages.Message(null, status, Phrase.Of<SharedStrings>(heading), explanation,
            Links.WebRoutes.Titles, Phrase.Of<SharedStrings>("BackToMyTitles")).ExecuteAsync(context);
    }
}
