using System;
using Gen.Dsl.Tests.Training.Determinism;

namespace Gen.Dsl.Tests;

/// <summary>
/// Entry point used only as a child process by <c>DeterminismTests</c>: it runs every seeded training run of
/// <see cref="SeededRuns"/> and prints one line per family, so that another process's results can be compared bit for bit.
/// </summary>
public static class Program
{
    /// <summary>The argument that makes the test assembly this child process.</summary>
    public const string SeededRunsArgument = "seeded-runs";

    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == SeededRunsArgument)
        {
            foreach (var line in SeededRuns.All())
            {
                Console.WriteLine(line);
            }

            return 0;
        }

        Console.Error.WriteLine($"usage: Gen.Dsl.Tests {SeededRunsArgument}");
        return 2;
    }
}
