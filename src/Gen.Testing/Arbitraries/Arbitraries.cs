using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Gen.Probability;
using TorchSharp;
using FsGen = FsCheck.Fluent.Gen;

namespace Gen.Testing;

/// <summary>
/// FsCheck arbitraries for testing your own components: tensors in a domain (parameters, or points in a support),
/// objects built from random parameters (distributions), and random bijectors and chains of Gen's bijectors.
/// Values are drawn in float64 from a seed FsCheck chooses, so a failing case is reproducible; each comes as a
/// <see cref="Drawn{T}"/> that prints its numbers or parts.
/// </summary>
/// <remarks>Tensors live on the CPU; move them with <c>.to(device)</c>. Random bijectors are well conditioned
/// (scales within about e^±2 per part), so the laws in <see cref="BijectorLaws"/> hold to 10⁻⁶ on N(0, 1) inputs.</remarks>
public static class Arbitraries
{
    private static FsCheck.Gen<int> Seeds => FsGen.Choose(0, int.MaxValue - 1);

    /// <summary>Tensors of <paramref name="shape"/> in <paramref name="domain"/>.</summary>
    /// <param name="domain">Where the values lie (see <see cref="Domain"/>).</param>
    /// <param name="shape">The shape of each tensor.</param>
    /// <param name="dtype">The element type; float64 unless given.</param>
    public static Arbitrary<Drawn<torch.Tensor>> Tensors(Domain domain, long[] shape, torch.ScalarType dtype = torch.ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(shape);
        var fixedShape = (long[])shape.Clone();
        return Seeds.Select(seed =>
        {
            var t = domain.Draw(fixedShape, Generator(seed), dtype);
            return new Drawn<torch.Tensor>(t, seed, $"{domain} {Shape.Format(fixedShape)}: {Text(t)}");
        }).ToArbitrary();
    }

    /// <summary>
    /// Objects built from random parameters, each drawn in its domain: for example distributions,
    /// <c>FromParameters(p =&gt; Family.Gamma(p[0], p[1]), new ParameterDomain("concentration", Domain.Positive, [3]), new ParameterDomain("rate", Domain.Positive, [3]))</c>.
    /// </summary>
    /// <param name="build">Builds the object from the parameters, in the order given.</param>
    /// <param name="parameters">The parameters' names, domains and shapes.</param>
    public static Arbitrary<Drawn<T>> FromParameters<T>(Func<IReadOnlyList<torch.Tensor>, T> build, params ParameterDomain[] parameters)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(parameters);
        var fixedParameters = parameters.Select(p => p with { Shape = (long[])p.Shape.Clone() }).ToArray();
        return Seeds.Select(seed =>
        {
            var g = Generator(seed);
            var values = fixedParameters.Select(p => p.Domain.Draw(p.Shape, g, torch.ScalarType.Float64)).ToArray();
            var description = string.Join(", ", fixedParameters.Select((p, i) => $"{p.Name} = {Text(values[i])}"));
            return new Drawn<T>(build(values), seed, description);
        }).ToArbitrary();
    }

    /// <summary>
    /// One random bijector of vectors of size <paramref name="features"/> from Gen's library (affine, leaky ReLU,
    /// permutation, LU-linear, Householder, affine and spline couplings with small random networks, planar,
    /// radial, Sylvester, ActNorm, batch norm), with random parameters, in float64.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="features"/> is below 1.</exception>
    public static Arbitrary<Drawn<IBijector>> Bijectors(long features)
    {
        CheckPositive(features, nameof(features));
        return Seeds.Select(seed =>
        {
            var b = RandomBijectors.Vector(new Random(seed), features);
            return new Drawn<IBijector>(b, seed, Describe(b));
        }).ToArbitrary();
    }

    /// <summary>Chains of 1 to <paramref name="maxLength"/> random bijectors (as <see cref="Bijectors"/>) of vectors of size <paramref name="features"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or the length is below 1.</exception>
    public static Arbitrary<Drawn<IBijector>> Chains(long features, int maxLength = 4)
    {
        CheckPositive(features, nameof(features));
        CheckPositive(maxLength, nameof(maxLength));
        return Seeds.Select(seed =>
        {
            var rng = new Random(seed);
            int length = 1 + rng.Next(maxLength);
            var chain = BijectorExtensions.Chain(Enumerable.Range(0, length).Select(_ => RandomBijectors.Vector(rng, features)).ToArray());
            return new Drawn<IBijector>(chain, seed, Describe(chain));
        }).ToArbitrary();
    }

    /// <summary>
    /// Chains of 1 to <paramref name="maxLength"/> random bijectors of image events [C, H, W]: ActNorm, invertible 1×1
    /// convolutions (dense or LU), per-channel affine maps, batch norm, leaky ReLU, checkerboard affine couplings
    /// with small random convolutional networks, and 2×2 squeezes while the height and width are even (so the
    /// output shape may differ from the input's: see <see cref="IBijector.ForwardShape"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or the length is below 1.</exception>
    public static Arbitrary<Drawn<IBijector>> ImageChains(long channels, long height, long width, int maxLength = 3)
    {
        CheckPositive(channels, nameof(channels));
        CheckPositive(height, nameof(height));
        CheckPositive(width, nameof(width));
        CheckPositive(maxLength, nameof(maxLength));
        return Seeds.Select(seed =>
        {
            var rng = new Random(seed);
            int length = 1 + rng.Next(maxLength);
            var shape = new[] { channels, height, width };
            var parts = new List<IBijector>();
            for (int i = 0; i < length; i++)
            {
                var part = RandomBijectors.Image(rng, shape);
                shape = part.ForwardShape(shape);
                parts.Add(part);
            }

            var chain = BijectorExtensions.Chain(parts);
            return new Drawn<IBijector>(chain, seed, Describe(chain));
        }).ToArbitrary();
    }

    internal static torch.Generator Generator(int seed) => new((ulong)seed, torch.CPU);

    private static string Describe(IBijector bijector) => bijector is Probability.Bijectors.ChainBijector chain
        ? "chain: " + string.Join(" -> ", chain.Parts.Select(DescribePart))
        : DescribePart(bijector);

    private static string DescribePart(IBijector part)
    {
        var text = part.ToString();
        return string.IsNullOrEmpty(text) || text == part.GetType().FullName ? part.GetType().Name : text;
    }

    private static string Text(torch.Tensor t) => t.ToString(TensorStringStyle.Numpy, fltFormat: "G6").ReplaceLineEndings(" ");

    private static void CheckPositive(long value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"arbitraries: {name} must be at least 1.");
        }
    }
}
