namespace ClpMailGateway.Web.SignIn;

/// <summary>The strings of sign-in and of confirming an added address (SignInStrings.*.resx).</summary>
public sealed class SignInStrings;
