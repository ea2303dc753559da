using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Core.Tests;

/// <summary>
/// Entry point used only as a child process by the runtime tests: it loads TorchSharp through Gen,
/// computes something and prints how the runtime was loaded, or the error that loading raised.
/// </summary>
public static class Program
{
    /// <summary>The argument that makes the test assembly a runtime probe.</summary>
    public const string ProbeRuntime = "probe-runtime";

    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == ProbeRuntime)
        {
            try
            {
                GenRuntime.EnsureLoaded();
            }
            catch (GenRuntimeException e)
            {
                Console.WriteLine($"error: {e.Message}");
                return 3;
            }

            using var x = torch.arange(10, dtype: torch.float64);
            var sum = x.sum().item<double>();
            var s = GenRuntime.Status;
            Console.WriteLine($"sum={sum} kind={s.Kind} glue={s.GluePath}");
            return sum == 45.0 ? 0 : 1;
        }

        Console.Error.WriteLine($"usage: Gen.Core.Tests {ProbeRuntime}");
        return 2;
    }
}
