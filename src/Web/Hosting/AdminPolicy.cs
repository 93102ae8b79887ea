using System.Globalization;
using System.Security.Claims;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Hosting;

/// <summary>
/// The <c>Admin</c> authorization policy: an active user with the admin flag, read from the database on every request
/// (a flag taken away counts at once). Put on an endpoint or a group with <c>RequireAuthorization(AdminPolicy.Name)</c>;
/// handlers do not check again. A signed-in user without it gets the not-found page, so admin pages are not revealed.
/// </summary>
public static class AdminPolicy
{
    public const string Name = "Admin";

    public static IServiceCollection AddAdminPolicy(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Name, policy => policy.RequireAuthenticatedUser().AddRequirements(new AdminRequirement()));
        services.AddScoped<IAuthorizationHandler, AdminHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, NotFoundWhenForbidden>();
        return services;
    }

    internal sealed class AdminRequirement : IAuthorizationRequirement;

    private sealed class AdminHandler(GatewayDbContext db) : AuthorizationHandler<AdminRequirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
        {
            if (int.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && await db.Users.AsNoTracking().AnyAsync(u => u.Id == id && u.IsActive && u.IsAdmin))
            {
                context.Succeed(requirement);
            }
        }
    }

    /// <summary>A refusal of a signed-in user is the not-found page (404); everything else is as ASP.NET Core does it
    /// (anonymous users are sent to sign in).</summary>
    private sealed class NotFoundWhenForbidden : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            if (authorizeResult.Forbidden)
            {
                var db = context.RequestServices.GetRequiredService<GatewayDbContext>();
                var user = await CurrentUser.LoadAsync(context, db, context.RequestAborted);
                await Pages.NotFound(user).ExecuteAsync(context);
                return;
            }

            await _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
