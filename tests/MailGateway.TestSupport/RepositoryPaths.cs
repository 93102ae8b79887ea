namespace ClpMailGateway.TestSupport;

/// <summary>Where the tests run from: the repository root is the folder above the test binaries that holds
/// <c>ClpMailGateway.sln</c>.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>An executable of the solution as its own project built it (src/<paramref name="project"/>/bin/...), in
    /// the configuration of the running tests. Run from there, not from the test folder: a test project that references
    /// the web as well holds the gateway's assembly without the packages ASP.NET Core's shared framework supplies.</summary>
    public static string BuiltDll(string project)
    {
        // The test binaries live in tests/<project>/bin/<configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (dotnet build -c {configuration})");
    }

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
