namespace ClpMailGateway.TestSupport;

/// <summary>Where the tests run from: the repository root is the folder above the test binaries that holds
/// <c>ClpMailGateway.sln</c>.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClpMailGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (the folder with ClpMailGateway.sln) was not found above " + AppContext.BaseDirectory);
    }
}
