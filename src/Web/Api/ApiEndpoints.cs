using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Api;

/// <summary>
/// The sync API, <c>/api/v1</c>: the production system upserts titles, vendors, people and assignments by their external
/// ids, one at a time or all in one import that is one transaction. Bearer API keys only (no cookie, so no antiforgery),
/// JSON in and out, problem documents naming each bad row, a body limit and a rate limit per key. The OpenAPI document is
/// served at <c>/openapi/v1.json</c>.
/// </summary>
public static class ApiEndpoints
{
    public const string Policy = "api";
    public const string RatePolicy = "api";

    public static WebApplicationBuilder AddSyncApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
            ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Sync, ApiScopes.Admin));
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(RatePolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            // Per key (its public prefix), else per client address for requests without one.
            KeyPartition(context),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.ApiRequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));
        // The document describes the API; the web's pages and forms are not an API.
        builder.Services.AddOpenApi(openApi => openApi.ShouldInclude = description =>
            description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        return builder;
    }

    public static WebApplication MapSyncApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi().AllowAnonymous();
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(Policy)
            .RequireRateLimiting(RatePolicy)
            .DisableAntiforgery()
            .WithTags("sync")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapPost("/import", (HttpContext context, AdministrationService administration, [FromQuery] bool? dryRun, CancellationToken cancellationToken) =>
                ApplyAsync(context, administration, dryRun ?? false, body => SyncDocumentReader.Read(body), cancellationToken))
            .Accepts<SyncDocument>("application/json")
            .Produces<ApiChanges>()
            .WithSummary("Upserts titles, vendors, users and assignments in one transaction: all of them or, if any row is bad, none.");
        api.MapPut("/titles/{externalId}", (HttpContext context, AdministrationService administration, string externalId, CancellationToken cancellationToken) =>
                ApplyAsync(context, administration, false, body => One<TitleRow>(body, externalId, row => new SyncDocument { Titles = [row] }), cancellationToken))
            .Accepts<TitleRow>("application/json").Produces<ApiChanges>().WithSummary("Creates or updates one title by its external id.");
        api.MapPut("/vendors/{externalId}", (HttpContext context, AdministrationService administration, string externalId, CancellationToken cancellationToken) =>
                ApplyAsync(context, administration, false, body => One<VendorRow>(body, externalId, row => new SyncDocument { Vendors = [row] }), cancellationToken))
            .Accepts<VendorRow>("application/json").Produces<ApiChanges>().WithSummary("Creates or updates one vendor by its external id.");
        api.MapPut("/users/{externalId}", (HttpContext context, AdministrationService administration, string externalId, CancellationToken cancellationToken) =>
                ApplyAsync(context, administration, false, body => One<UserRow>(body, externalId, row => new SyncDocument { Users = [row] }), cancellationToken))
            .Accepts<UserRow>("application/json").Produces<ApiChanges>().WithSummary("Creates or updates one person by their external id.");
        api.MapPut("/assignments", (HttpContext context, AdministrationService administration, CancellationToken cancellationToken) =>
                ApplyAsync(context, administration, false, body => One<AssignmentRow>(body, null, row => new SyncDocument { Assignments = [row] }), cancellationToken))
            .Accepts<AssignmentRow>("application/json").Produces<ApiChanges>()
            .WithSummary("Sets a vendor's languages on a title (by their external ids); an empty list removes the assignment.");
        return app;
    }

    /// <summary>What an apply changed (or would change, in a dry run); before and after are the entity's state.</summary>
    public sealed record ApiChanges(bool DryRun, IReadOnlyList<ApiChange> Changes);

    public sealed record ApiChange(string Entity, string Key, string Action, JsonNode? Before, JsonNode? After);

    private static async Task<IResult> ApplyAsync(
        HttpContext context, AdministrationService administration, bool dryRun, Func<byte[], (SyncDocument?, RowError?)> parse, CancellationToken cancellationToken)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.ApiMaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (!(context.Request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(detail: "Send JSON (Content-Type: application/json).", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var body = await ReadAsync(context.Request.Body, limit, cancellationToken);
        if (body is null)
        {
            return TooLarge(limit);
        }

        var (document, error) = parse(body);
        if (error is not null)
        {
            return ApiProblems.Rows([error]);
        }

        var keyId = int.Parse(context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim)!, CultureInfo.InvariantCulture);
        var actor = Actor.ForApiKey(keyId, context.User.Identity!.Name!);
        var mayChangeRoles = context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Admin);
        var result = await administration.ApplyAsync(document!, actor, new ApplyOptions(dryRun, mayChangeRoles, RequireExternalIds: true), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblems.Rows(result.Errors);
        }

        return TypedResults.Ok(new ApiChanges(
            result.DryRun,
            result.Changes.Select(c => new ApiChange(c.Entity, c.Key, c.Action, Node(c.Before), Node(c.After))).ToList()));
    }

    private static (SyncDocument?, RowError?) One<T>(byte[] body, string? externalId, Func<T, SyncDocument> wrap)
        where T : class
    {
        T? row;
        try
        {
            row = JsonSerializer.Deserialize<T>(body, SyncDocumentReader.Json);
        }
        catch (JsonException ex)
        {
            return (null, new RowError("body", 0, ex.LineNumber is { } line ? (int)line + 1 : null, string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path, ex.Message));
        }

        if (row is null)
        {
            return (null, new RowError("body", 0, 1, "$", "the body is an object"));
        }

        if (row is SyncRow synced && externalId is not null)
        {
            if (synced.Id is not null || (synced.ExternalId is not null && synced.ExternalId != externalId))
            {
                return (null, new RowError("body", 0, null, "externalId", "the external id is the one in the address; leave it (and id) out of the body"));
            }

            synced.ExternalId = externalId;
        }

        return (wrap(row), null);
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> (a chunked body has no length to
    /// check first).</summary>
    private static async Task<byte[]?> ReadAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        detail: $"The body is larger than the {limit:N0} bytes the API accepts (Web:ApiMaxBodyBytes); send the sync in parts.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    private static JsonNode? Node(string? json) => json is null ? null : JsonNode.Parse(json);

    private static string KeyPartition(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.Length >= 19 && header.StartsWith("Bearer clp_", StringComparison.OrdinalIgnoreCase)
            ? string.Concat("key:", header.AsSpan(11, 8))
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
