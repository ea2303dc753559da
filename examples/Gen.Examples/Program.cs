using System;
using System.Collections.Generic;
using System.Linq;

namespace Gen.Examples;

/// <summary>One program, one sub-command per example.</summary>
public static class Program
{
    private static readonly Dictionary<string, (string Summary, Func<string[], int> Run)> Commands = new()
    {
        ["quickstart"] = ("RealNVP on the 8x8 digits shipped with Gen: trains in about a minute, reports bits/dim, prints samples.", Quickstart.Run),
    };

    public static int Main(string[] args)
    {
        var name = args.Length == 0 ? "quickstart" : args[0];
        if (name is "-h" or "--help" or "help" || !Commands.TryGetValue(name, out var command))
        {
            Console.WriteLine("usage: Gen.Examples <command> [options]\n\ncommands:");
            foreach (var (key, value) in Commands)
            {
                Console.WriteLine($"  {key,-12} {value.Summary}");
            }

            return name is "-h" or "--help" or "help" ? 0 : 2;
        }

        return command.Run(args.Skip(1).ToArray());
    }
}
