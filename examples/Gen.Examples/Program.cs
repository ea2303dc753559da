using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Gen.Examples;

/// <summary>One program, one sub-command per example.</summary>
public static class Program
{
    /// <summary>
    /// The examples, in the order --help lists them. A new example is an <see cref="Example"/> added here; a flow fitted
    /// to the energies U1–U4 (planar flows) belongs next to <see cref="EnergiesExample"/>, whose targets and picture it reuses.
    /// </summary>
    public static IReadOnlyList<Example> Examples { get; } = new[]
    {
        Quickstart.Example,
        Flow2dExample.Example,
        EnergiesExample.Example,
        PlanarExample.Example,
        MadeExample.Example,
        NadeExample.Example,
        PixelCnnExample.Example,
        JemExample.Example,
        EbmExample.Example,
        GmmnExample.Example,
        ScoreExample.Example,
        VaeExample.Example,
        GanExample.Example,
    };

    /// <summary>Runs the sub-command named by the first argument (quickstart when none) with the rest as its options.</summary>
    public static int Main(string[] args) => Run(args, Console.Out);

    /// <summary>As <see cref="Main"/>, printing to <paramref name="output"/>.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var name = args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) && args[0] != "--help" ? "quickstart" : args[0];
        var rest = args.Length == 0 || name != args[0] ? args : args[1..];
        var example = Examples.FirstOrDefault(e => e.Name == name);
        if (example is null)
        {
            bool help = name is "-h" or "--help" or "help";
            if (!help)
            {
                output.WriteLine($"unknown example '{name}'.\n");
            }

            PrintCommands(output);
            return help ? 0 : 2;
        }

        var run = ExampleRun.Parse(example, rest, output, out var exitCode);
        if (run is null)
        {
            return exitCode;
        }

        try
        {
            return example.Run(run);
        }
        catch (OptionException e)
        {
            // A bad option value found once the example read it: say so like a parse error.
            output.WriteLine($"{example.Name}: {e.Message}");
            return 2;
        }
        catch (Gen.Data.GenDataException e)
        {
            // Missing or damaged data: the message says which file and what to do; a stack trace would bury it.
            output.WriteLine($"{example.Name}: {e.Message}");
            return 3;
        }
    }

    private static void PrintCommands(TextWriter output)
    {
        output.WriteLine("usage: Gen.Examples <example> [options]     (no example: quickstart)\n\nexamples:");
        foreach (var e in Examples)
        {
            output.WriteLine($"  {e.Name,-12} {e.Summary}");
        }

        output.WriteLine("\nEvery example takes:");
        foreach (var o in ExampleRun.Common)
        {
            output.WriteLine($"  {$"--{o.Name} {o.Value}",-28} {o.Description}");
        }

        output.WriteLine("\n'Gen.Examples <example> --help' lists an example's own options. Pictures go to out/<example>/ unless --out says otherwise.");
    }
}
