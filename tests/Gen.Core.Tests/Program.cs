using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Core.Tests;

/// <summary>
/// Entry point used only as a child process by the runtime tests: it loads TorchSharp through Gen,
/// computes something and prints how the runtime was loaded.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "probe-runtime")
        {
            GenRuntime.EnsureLoaded();
            using var x = torch.arange(10, dtype: torch.float64);
            var sum = x.sum().item<double>();
            var s = GenRuntime.Status;
            Console.WriteLine($"sum={sum} kind={s.Kind} glue={s.GluePath}");
            return sum == 45.0 ? 0 : 1;
        }

        Console.Error.WriteLine("usage: Gen.Core.Tests probe-runtime");
        return 2;
    }
}
