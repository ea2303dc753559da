using System;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// Checks a device end to end: which native runtime loaded, whether CUDA is usable, and whether a compiled flow
/// gives the same log-density and gradients on the device as on the CPU from the same seed.
/// </summary>
internal static class Probe
{
    public static int Run(torch.Device device)
    {
        GenRuntime.EnsureLoaded();
        var status = GenRuntime.Status;
        Console.WriteLine($"runtime: {status.Kind}; glue {status.GluePath}; libtorch {status.LibTorchDirectory}");
        if (!LoadedFromConfiguredFolder())
        {
            return 1;
        }

        bool cuda = Gen.Device.IsCudaAvailable;
        Console.WriteLine($"cuda available: {cuda}; devices: {(cuda ? cuda_count() : 0)}");
        Console.WriteLine($"device under test: {device}");

        var spec = RealNvpCases.Spec(features: 16, couplings: 4, hidden: 64);
        using var onCpu = spec.Compile(CPU, float64, seed: 7);
        using var onDevice = spec.Compile(device, float64, seed: 7);
        using var g = new Generator(11);
        var x = randn(new long[] { 64, 16 }, dtype: float64, generator: g);

        // Perturb the zero-initialised output layers identically, so the check exercises every layer.
        using (no_grad())
        {
            var a = onCpu.parameters().GetEnumerator();
            var b = onDevice.parameters().GetEnumerator();
            using var pg = new Generator(13);
            while (a.MoveNext() && b.MoveNext())
            {
                var noise = 0.05 * randn(a.Current.shape, dtype: float64, generator: pg);
                a.Current.add_(noise);
                b.Current.add_(noise.to(device));
            }
        }

        var lpCpu = onCpu.LogProb(x);
        var lpDev = onDevice.LogProb(x.to(device));
        double diff = (lpCpu - lpDev.cpu()).abs().max().item<double>();
        lpCpu.sum().backward();
        lpDev.sum().backward();
        double gradDiff = 0;
        var ga = onCpu.parameters().GetEnumerator();
        var gb = onDevice.parameters().GetEnumerator();
        while (ga.MoveNext() && gb.MoveNext())
        {
            gradDiff = Math.Max(gradDiff, (ga.Current.grad! - gb.Current.grad!.cpu()).abs().max().item<double>());
        }

        Console.WriteLine($"log-density max |cpu - device| = {diff:E2}; gradient max |cpu - device| = {gradDiff:E2} (float64)");
        bool ok = diff < 1e-9 && gradDiff < 1e-9 && double.IsFinite(lpDev.sum().item<double>());
        Console.WriteLine(ok ? "probe: OK" : "probe: FAILED");
        return ok ? 0 : 1;
    }

    // With GEN_LIBTORCH_DIR set, libtorch's libraries must come from that folder and from nowhere else: another
    // libtorch in the system loader's path could otherwise be bound first (seen with Debian's libtorch-dev).
    private static bool LoadedFromConfiguredFolder()
    {
        if (GenRuntime.LibTorchDirectory is not { } dir || !System.IO.File.Exists("/proc/self/maps"))
        {
            return true;
        }

        var root = System.IO.Path.GetFullPath(dir).TrimEnd('/') + "/";
        var loaded = System.IO.File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(p => System.IO.Path.GetFileName(p) is var f && (f.StartsWith("libc10", StringComparison.Ordinal) || f.StartsWith("libtorch", StringComparison.Ordinal)))
            .Distinct().ToArray();
        var foreign = loaded.Where(p => !System.IO.Path.GetFullPath(p).StartsWith(root, StringComparison.Ordinal)).ToArray();
        Console.WriteLine($"libtorch libraries in the process: {loaded.Length}, from outside {root}: {(foreign.Length == 0 ? "none" : string.Join(", ", foreign))}");
        return foreign.Length == 0;
    }

    private static int cuda_count() => torch.cuda.device_count();
}
