namespace ClpMailGateway.Commands;

/// <summary>Exit codes of the gateway executable; every non-zero exit also prints one line on stderr.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int PermissionDenied = 4;
    public const int Refused = 5;
}
