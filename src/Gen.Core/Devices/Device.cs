using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen;

/// <summary>
/// The devices Gen computes on. Every compile and data path takes one explicitly; nothing in Gen
/// creates a tensor on an implicit device.
/// </summary>
public static class Device
{
    /// <summary>The CPU.</summary>
    public static torch.Device Cpu
    {
        get
        {
            GenRuntime.EnsureLoaded();
            return torch.CPU;
        }
    }

    /// <summary>Whether a CUDA runtime and at least one GPU are present.</summary>
    public static bool IsCudaAvailable
    {
        get
        {
            GenRuntime.EnsureLoaded();
            return torch.cuda.is_available();
        }
    }

    /// <summary>The first CUDA GPU when one is present (<see cref="IsCudaAvailable"/>), otherwise the CPU.</summary>
    public static torch.Device Best => IsCudaAvailable ? Cuda(0) : Cpu;

    /// <summary>The CUDA GPU with the given index.</summary>
    /// <param name="index">Zero-based GPU index.</param>
    /// <exception cref="GenDeviceException">No CUDA runtime is loaded, or there is no GPU with that index.</exception>
    public static torch.Device Cuda(int index = 0)
    {
        GenRuntime.EnsureLoaded();
        if (index < 0)
        {
            throw new GenDeviceException($"CUDA device index must be non-negative, got {index}.");
        }

        bool available;
        try
        {
            available = torch.cuda.is_available();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new GenDeviceException($"CUDA device {index} was requested, but initialising CUDA failed: {e.Message}", e);
        }

        if (!available)
        {
            throw new GenDeviceException(
                $"CUDA device {index} was requested, but no CUDA runtime is loaded. The libtorch in use is CPU-only " +
                "(the TorchSharp-cpu bundle), or no NVIDIA driver and GPU are present. To use a GPU, set GEN_LIBTORCH_DIR to the lib " +
                "folder of a CUDA build of libtorch (for example PyTorch's torch/lib) and do not reference TorchSharp-cpu.");
        }

        int count = torch.cuda.device_count();
        if (index >= count)
        {
            throw new GenDeviceException($"CUDA device {index} was requested, but this machine has {count} GPU(s) (indices 0..{count - 1}).");
        }

        return torch.CUDA.type == DeviceType.CUDA && index == 0 ? torch.CUDA : new torch.Device(DeviceType.CUDA, index);
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (as accepted on command lines).</summary>
    /// <exception cref="GenDeviceException">The text names no device Gen knows, or a device that is absent.</exception>
    public static torch.Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu")
        {
            return Cpu;
        }

        if (t == "cuda" || t == "gpu")
        {
            return Cuda(0);
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i))
        {
            return Cuda(i);
        }

        throw new GenDeviceException($"Unknown device '{text}': use \"cpu\", \"cuda\" or \"cuda:N\".");
    }
}
