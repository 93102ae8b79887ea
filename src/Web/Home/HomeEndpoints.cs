using ClpMailGateway.Domain;
using ClpMailGateway.Health;
using ClpMailGateway.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using ClpMailGateway.Web.Hosting;
using ClpMailGateway.Web.Layout;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Home;

public static class HomeEndpoints
{
    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, IOptions<WebOptions> options, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (!options.Value.DemoMode)
            {
                return Pages.Show<HomePage>(new { User = user });
            }

            var titles = await db.Titles.AsNoTracking().OrderBy(t => t.Name)
                .Select(t => new HomePage.TitleRow(
                    t.Name,
                    t.Slug,
                    t.Channels.OrderBy(c => c.Kind).ThenBy(c => c.Key)
                        .Select(c => new HomePage.ChannelRow(c.Key, c.Kind, c.Language, db.Messages.Count(m => m.ChannelId == c.Id)))
                        .ToList()))
                .ToListAsync(cancellationToken);
            var users = await db.Users.AsNoTracking().OrderBy(u => u.Role).ThenBy(u => u.Name)
                .Select(u => new HomePage.UserRow(
                    u.Name,
                    u.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault() ?? string.Empty,
                    u.Role,
                    u.Vendor != null ? u.Vendor.Name : null))
                .ToListAsync(cancellationToken);
            return Pages.Show<HomePage>(new { User = user, Titles = titles, Users = users, MailServer = options.Value.DemoMailServer });
        });

        app.MapGet("/health", async Task<Ok<HealthReport>> (
            HttpContext context, GatewayDbContext db, IAuthorizationService authorization, CancellationToken cancellationToken) =>
        {
            // Anyone learns that it answers; only an operator learns what is inside.
            if (!(await authorization.AuthorizeAsync(context.User, AdminPolicy.Name)).Succeeded)
            {
                await db.Database.CanConnectAsync(cancellationToken);
                return TypedResults.Ok(new HealthReport("ok", null, null));
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            var messages = await db.Messages.CountAsync(cancellationToken);
            return TypedResults.Ok(new HealthReport("ok", pending, messages));
        });

        // /health/live and /health/ready: the same rule, each check's status for anyone, its cause and figures (server
        // names, errors) for an operator only.
        app.MapHealthEndpoints(async context =>
            (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, AdminPolicy.Name)).Succeeded);

        return app;
    }

    public sealed record HealthReport(
        string Status,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? PendingMigrations,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? Messages);
}
