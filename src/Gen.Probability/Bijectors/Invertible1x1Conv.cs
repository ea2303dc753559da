using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Glow's invertible 1×1 convolution: image events [C, H, W] are mixed over channels by one invertible matrix,
/// y[:, h, w] = W x[:, h, w] at every pixel, with log|det J| = H·W·log|det W|. It generalises the fixed channel
/// permutations between coupling layers.
/// </summary>
/// <remarks>
/// <para>Two parametrisations, as in Glow: a dense matrix (log|det W| by an LU factorisation, O(C³) per pass), or
/// the LU-parametrised <see cref="LuLinear"/> (O(C) log-determinant, invertible for any parameters). A module
/// owns either a [C, C] parameter initialised to a random rotation and builds <c>new Invertible1x1Conv(weight)</c>,
/// or the factors of <see cref="LuLinear"/> (initialised by <see cref="LuLinear.Decompose"/> of a random rotation)
/// and builds <c>new Invertible1x1Conv(new LuLinear(...))</c>, on each pass.</para>
/// </remarks>
public sealed class Invertible1x1Conv : IBijector
{
    private readonly torch.Tensor? dense;
    private readonly LuLinear? lu;

    /// <summary>Creates the convolution from a dense [C, C] matrix (which must be invertible).</summary>
    /// <exception cref="GenShapeException">The weight is not a square matrix.</exception>
    public Invertible1x1Conv(torch.Tensor weight)
    {
        dense = weight ?? throw new ArgumentNullException(nameof(weight));
        if (weight.dim() != 2 || weight.shape[0] != weight.shape[1])
        {
            throw new GenShapeException("conv1x1", $"the weight must be a square matrix [C, C], got {Shape.Format(weight.shape)}.");
        }

        Channels = weight.shape[0];
    }

    /// <summary>Creates the convolution from LU factors: W = P L (U + diag(s)).</summary>
    public Invertible1x1Conv(LuLinear weight)
    {
        lu = weight ?? throw new ArgumentNullException(nameof(weight));
        Channels = weight.Features;
    }

    /// <summary>C: the number of channels.</summary>
    public long Channels { get; }

    /// <inheritdoc/>
    public int EventRank => 3;

    /// <summary>The [C, C] channel-mixing matrix W.</summary>
    public torch.Tensor Weight() => lu is null ? dense!.alias() : lu.Weight();

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    /// <inheritdoc/>
    public override string ToString() => $"Invertible1x1Conv({Channels}{(lu is null ? string.Empty : ", LU")})";

    private Transformed Apply(torch.Tensor x, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 3 || x.shape[^3] != Channels)
        {
            throw new GenShapeException("conv1x1", $"mixes {Channels} channels of image events [C, H, W], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        torch.Tensor w;
        torch.Tensor logAbsDet;
        if (lu is not null)
        {
            w = inverse ? lu.InverseWeight() : lu.Weight();
            logAbsDet = lu.LogAbsDet();
        }
        else
        {
            w = inverse ? torch.linalg.inv(dense!) : dense!;
            logAbsDet = torch.linalg.slogdet(dense!).Item2;
        }

        long pixels = x.shape[^2] * x.shape[^1];
        var y = w.matmul(x.flatten(-2, -1)).reshape(x.shape);
        var ld = (inverse ? -pixels * logAbsDet : pixels * logAbsDet).expand(x.shape[..^3]);
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }
}
