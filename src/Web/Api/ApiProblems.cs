using ClpMailGateway.Administration;
using Microsoft.AspNetCore.Diagnostics;

namespace ClpMailGateway.Web.Api;

/// <summary>Every answer of the API that is not a success is an RFC 7807 problem document, never the web's HTML pages.</summary>
internal static class ApiProblems
{
    public const string Prefix = "/api";

    public static Task WriteAsync(HttpContext context, int status, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status).ExecuteAsync(context);

    /// <summary>A refused document: every bad row with its section, index, line, field and reason; nothing was changed.</summary>
    public static IResult Rows(IReadOnlyList<RowError> errors) => TypedResults.Problem(
        title: "The request was refused: nothing was changed.",
        detail: errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} rows are bad; each is listed under errors.",
        statusCode: StatusCodes.Status422UnprocessableEntity,
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new { e.Section, e.Index, e.Line, e.Field, e.Reason }).ToList(),
        });

    /// <summary>Status codes without a body (429 from the rate limiter, 404, 405) and exceptions on the API become problem
    /// documents; the rest of the web keeps its pages.</summary>
    public static WebApplication UseApiProblems(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Prefix),
            api =>
            {
                api.UseExceptionHandler(error => error.Run(context =>
                {
                    var status = context.Features.Get<IExceptionHandlerFeature>()?.Error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
                    return WriteAsync(context, status, status == StatusCodes.Status500InternalServerError ? "The server failed; nothing of the request was applied." : "The request could not be read.");
                }));
                api.UseStatusCodePages(status => WriteAsync(status.HttpContext, status.HttpContext.Response.StatusCode, ReasonFor(status.HttpContext.Response.StatusCode)));
            });
        return app;
    }

    private static string ReasonFor(int status) => status switch
    {
        StatusCodes.Status404NotFound => "There is no such API endpoint.",
        StatusCodes.Status405MethodNotAllowed => "The endpoint does not take this method.",
        StatusCodes.Status429TooManyRequests => "Too many requests with this key; wait a minute (Retry-After).",
        StatusCodes.Status413PayloadTooLarge => "The body is larger than the API accepts.",
        _ => "The request failed.",
    };
}
