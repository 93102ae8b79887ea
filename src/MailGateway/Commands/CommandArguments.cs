namespace ClpMailGateway.Commands;

/// <summary>
/// The options of one command: <c>--name value</c> or <c>--name=value</c>, flags without a value, positional arguments,
/// and <c>--</c> to end options. Unknown or repeated options are usage errors, so a typo never silently does nothing.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private CommandArguments(string command) => Command = command;

    public string Command { get; }

    public IReadOnlyList<string> Positional { get; private set; } = [];

    /// <param name="valued">Options that take a value.</param>
    /// <param name="repeatable">Valued options that may be given more than once.</param>
    /// <param name="flags">Options without a value.</param>
    public static CommandArguments Parse(
        string command,
        IReadOnlyList<string> args,
        IReadOnlySet<string> valued,
        IReadOnlySet<string>? repeatable = null,
        IReadOnlySet<string>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(valued);
        var parsed = new CommandArguments(command);
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positional.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            if (flags?.Contains(name) == true)
            {
                if (equals > 0)
                {
                    throw CommandException.Usage($"{command}: --{name} takes no value.");
                }

                parsed.Add(name, "true", repeatable: false);
                continue;
            }

            if (!valued.Contains(name))
            {
                throw CommandException.Usage($"{command}: unknown option --{name}.");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw CommandException.Usage($"{command}: --{name} needs a value.");
            }

            parsed.Add(name, value, repeatable?.Contains(name) == true);
        }

        parsed.Positional = positional;
        return parsed;
    }

    private void Add(string name, string value, bool repeatable)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }
        else if (!repeatable)
        {
            throw CommandException.Usage($"{Command}: --{name} is given more than once.");
        }

        list.Add(value);
    }

    public string? Optional(string name) => _values.TryGetValue(name, out var list) ? list[0] : null;

    public string Required(string name)
    {
        var value = Optional(name);
        return string.IsNullOrWhiteSpace(value) ? throw CommandException.Usage($"{Command}: --{name} is required.") : value;
    }

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool Flag(string name) => _values.ContainsKey(name);

    public void NoPositional()
    {
        if (Positional.Count > 0)
        {
            throw CommandException.Usage($"{Command}: unexpected argument '{Positional[0]}'.");
        }
    }
}
