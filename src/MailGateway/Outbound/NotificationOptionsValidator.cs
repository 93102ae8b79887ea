using ClpMailGateway.Localization;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>Refuses a default language that is not shipped, and templates that do not load: a template that does not
/// parse stops the start with its name and the parser's message, instead of failing every mail later.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (MailLanguages.Find(options.Language) is null)
        {
            failures.Add($"Notifications:Language \"{options.Language}\" is not a shipped language; use one of {string.Join(", ", MailLanguages.Supported)}.");
        }

        try
        {
            MailTemplates.Load(options.TemplateFolderOrShipped);
        }
        catch (Exception ex) when (ex is MailTemplateException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"Notifications:TemplateFolder: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
