using System;
using TorchSharp;

namespace Gen;

/// <summary>
/// Random draws for tensors on any device, with an optional seeded generator. Every random number Gen draws goes
/// through here.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 creates every <see cref="torch.Generator"/> on the CPU, whatever device it is given (its
/// <c>device</c> property then names a device the generator does not use), and libtorch refuses a CPU generator for a
/// draw on a GPU. So, when a generator is given, the draw is made on the CPU with it and the result is copied to the
/// target device: a seed gives the same numbers on every device, at the price of a host-to-device copy. Without a
/// generator the draw is made on the target device from its global generator (seeded by <see cref="Seed.Everything"/>),
/// which is the fast path for training loops, except inside a seeded build (<see cref="Seed.Building{T}"/>), where it is
/// made with the build's own generator (<see cref="Seed.BuildGenerator"/>), so that other threads cannot change it.
/// </remarks>
public static class DeviceRandom
{
    /// <summary>Standard normal draws of the given shape, dtype and device.</summary>
    public static torch.Tensor Normal(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator = null) =>
        (generator ??= Seed.BuildGenerator) is null
            ? Global(() => torch.randn(shape, dtype: dtype, device: device))
            : ToDevice(torch.randn(shape, dtype: dtype, generator: generator), device);

    /// <summary>Uniform draws on [0, 1) of the given shape, dtype and device.</summary>
    public static torch.Tensor Uniform(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator = null) =>
        (generator ??= Seed.BuildGenerator) is null
            ? Global(() => torch.rand(shape, dtype: dtype, device: device))
            : ToDevice(torch.rand(shape, dtype: dtype, generator: generator), device);

    /// <summary>A random permutation of 0..n-1 (int64) on the device.</summary>
    public static torch.Tensor Permutation(long n, torch.Device device, torch.Generator? generator = null) =>
        (generator ??= Seed.BuildGenerator) is null
            ? Global(() => torch.randperm(n, device: device))
            : ToDevice(torch.randperm(n, generator: generator), device);

    /// <summary>Integers uniform on [0, high) (int64) of the given shape on the device.</summary>
    public static torch.Tensor Integers(long high, long[] shape, torch.Device device, torch.Generator? generator = null) =>
        (generator ??= Seed.BuildGenerator) is null
            ? Global(() => torch.randint(high, shape, device: device))
            : ToDevice(torch.randint(high, shape, generator: generator), device);

    /// <summary>0/1 draws with the given probabilities, on their device.</summary>
    public static torch.Tensor Bernoulli(torch.Tensor probabilities, torch.Generator? generator = null) =>
        OnCpuIfSeeded(probabilities, generator, (p, g) => torch.bernoulli(p, g));

    /// <summary>Poisson draws with the given rates, on their device.</summary>
    public static torch.Tensor Poisson(torch.Tensor rates, torch.Generator? generator = null) =>
        OnCpuIfSeeded(rates, generator, (r, g) => torch.poisson(r, g));

    /// <summary>Gamma(concentration, 1) draws, differentiable with respect to the concentration, on its device.</summary>
    public static torch.Tensor StandardGamma(torch.Tensor concentration, torch.Generator? generator = null) =>
        OnCpuIfSeeded(concentration, generator, (a, g) => torch._standard_gamma(a, g));

    /// <summary>Binomial draws with the given counts and success probabilities, on their device.</summary>
    public static torch.Tensor Binomial(torch.Tensor count, torch.Tensor probability, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(probability);
        generator ??= Seed.BuildGenerator;
        if (generator is null)
        {
            return Global(() => torch.binomial(count, probability));
        }

        if (probability.device_type == DeviceType.CPU)
        {
            return torch.binomial(count, probability, generator);
        }

        return ToDevice(torch.binomial(count.cpu(), probability.cpu(), generator), probability.device);
    }

    /// <summary>Indices drawn from each row of unnormalised weights, on their device.</summary>
    public static torch.Tensor Multinomial(torch.Tensor weights, long draws, bool replacement, torch.Generator? generator = null) =>
        OnCpuIfSeeded(weights, generator, (w, g) => torch.multinomial(w, draws, replacement, g));

    private static torch.Tensor OnCpuIfSeeded(torch.Tensor parameter, torch.Generator? generator, Func<torch.Tensor, torch.Generator?, torch.Tensor> draw)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        generator ??= Seed.BuildGenerator;
        if (generator is null)
        {
            return Global(() => draw(parameter, null));
        }

        if (parameter.device_type == DeviceType.CPU)
        {
            return draw(parameter, generator);
        }

        return ToDevice(draw(parameter.cpu(), generator), parameter.device);
    }

    // Draws from the global generators are serialised with seeded builds (Seed.Building), so a compile with a seed
    // is not disturbed by draws on other threads.
    private static torch.Tensor Global(Func<torch.Tensor> draw)
    {
        lock (Seed.GlobalGenerator)
        {
            return draw();
        }
    }

    private static torch.Tensor ToDevice(torch.Tensor t, torch.Device device) =>
        device.type == DeviceType.CPU ? t : t.to(device);
}
