using System;
using System.Globalization;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A radial kernel k(x, y) = f(‖x − y‖²) for maximum mean discrepancies (<see cref="Mmd"/>): Gaussian, inverse
/// multiquadric, or a weighted sum of kernels (a mixture of bandwidths, as generative moment-matching networks use).
/// Kernels are values: <c>Kernel.Gaussian(1) + Kernel.Gaussian(5)</c> is again a kernel. Every kernel here is
/// characteristic, so MMD² is zero only between equal laws.
/// </summary>
public abstract record Kernel
{
    /// <summary>The Gaussian kernel exp(−‖x − y‖² / (2h²)) of bandwidth h.</summary>
    /// <param name="bandwidth">h, positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bandwidth is not positive and finite.</exception>
    public static Kernel Gaussian(double bandwidth) => new GaussianKernel(Positive(bandwidth, "kernel.bandwidth"));

    /// <summary>
    /// The inverse multiquadric kernel c / √(c² + ‖x − y‖²) of scale c (1 at distance 0; heavy tails keep gradients
    /// alive between far-apart samples).
    /// </summary>
    /// <param name="scale">c, positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public static Kernel InverseMultiquadric(double scale) => new InverseMultiquadricKernel(Positive(scale, "kernel.scale"));

    /// <summary>The sum of Gaussian kernels of the given bandwidths (Li et al. 2015 used 2, 5, 10, 20, 40 and 80 on MNIST).</summary>
    /// <param name="bandwidths">One or more positive, finite bandwidths.</param>
    /// <exception cref="ArgumentException">No bandwidth is given.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bandwidth is not positive and finite.</exception>
    public static Kernel GaussianMixture(params double[] bandwidths)
    {
        ArgumentNullException.ThrowIfNull(bandwidths);
        if (bandwidths.Length == 0)
        {
            throw new ArgumentException("kernel: a mixture needs at least one bandwidth.", nameof(bandwidths));
        }

        return bandwidths.Select(Gaussian).Aggregate((a, b) => a + b);
    }

    /// <summary>k at the squared distances <paramref name="squaredDistances"/> (any shape, elementwise).</summary>
    /// <param name="squaredDistances">‖x − y‖², non-negative.</param>
    public abstract torch.Tensor Of(torch.Tensor squaredDistances);

    /// <summary>The kernel's terms with their weights (a single kernel is one term of weight 1).</summary>
    internal virtual ValueList<(double Weight, Kernel Kernel)> Terms => new(new[] { (1.0, (Kernel)this) });

    /// <summary>The sum of two kernels.</summary>
    public static Kernel operator +(Kernel left, Kernel right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new KernelSum(new ValueList<(double, Kernel)>(left.Terms.Concat(right.Terms)));
    }

    /// <summary>The kernel scaled by a positive weight.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is not positive and finite.</exception>
    public static Kernel operator *(double weight, Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        Positive(weight, "kernel.weight");
        return new KernelSum(new ValueList<(double, Kernel)>(kernel.Terms.Select(t => (weight * t.Weight, t.Kernel))));
    }

    internal static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite, got {value.ToString(CultureInfo.InvariantCulture)}.");
}

/// <summary>exp(−‖x − y‖² / (2h²)).</summary>
/// <param name="Bandwidth">h.</param>
public sealed record GaussianKernel(double Bandwidth) : Kernel
{
    /// <inheritdoc/>
    public override torch.Tensor Of(torch.Tensor squaredDistances) => (squaredDistances * (-0.5 / (Bandwidth * Bandwidth))).exp();

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Gaussian({Bandwidth})");
}

/// <summary>c / √(c² + ‖x − y‖²).</summary>
/// <param name="Scale">c.</param>
public sealed record InverseMultiquadricKernel(double Scale) : Kernel
{
    /// <inheritdoc/>
    public override torch.Tensor Of(torch.Tensor squaredDistances) => (squaredDistances + (Scale * Scale)).rsqrt() * Scale;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"InverseMultiquadric({Scale})");
}

/// <summary>Σ wᵢ kᵢ.</summary>
/// <param name="Parts">The weighted kernels.</param>
public sealed record KernelSum(ValueList<(double Weight, Kernel Kernel)> Parts) : Kernel
{
    internal override ValueList<(double Weight, Kernel Kernel)> Terms => Parts;

    /// <inheritdoc/>
    public override torch.Tensor Of(torch.Tensor squaredDistances)
    {
        using var scope = torch.NewDisposeScope();
        var sum = Parts.Select(p => p.Kernel.Of(squaredDistances) * p.Weight).Aggregate((a, b) => a + b);
        return sum.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(" + ", Parts.Select(p => p.Weight == 1 ? p.Kernel.ToString() : string.Create(CultureInfo.InvariantCulture, $"{p.Weight}·{p.Kernel}")));
}
