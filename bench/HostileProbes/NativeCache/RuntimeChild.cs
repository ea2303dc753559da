using System;
using Gen.Runtime;
using TorchSharp;

namespace HostileProbes.NativeCache;

/// <summary>
/// The child process of the native-cache probes (<c>runtime</c>): loads the native runtime through Gen, as any program's
/// first Gen call does, computes a sum, and prints how the runtime was loaded ("sum=45 kind=Patched glue=PATH"); or,
/// where Gen refuses, the documented <see cref="GenRuntimeException"/>'s message with exit code 3.
/// </summary>
internal static class RuntimeChild
{
    public static int Run()
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
        double sum = x.sum().item<double>();
        var status = GenRuntime.Status;
        Console.WriteLine($"sum={sum} kind={status.Kind} glue={status.GluePath}");
        return sum == 45 ? 0 : 1;
    }
}
