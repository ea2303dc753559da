using System;
using TorchSharp;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// The layers behind <see cref="Normalization"/>, for vectors (<see cref="Features"/>) and feature maps
/// (<see cref="Channels"/>), and the checks and words every network node shares for it.
/// </summary>
internal static class NormalizationLayers
{
    /// <summary>Rejects a value that is not one of the named values of <see cref="Normalization"/>.</summary>
    public static void Check(string path, Normalization normalization)
    {
        if (!Enum.IsDefined(normalization))
        {
            throw new GenShapeException(path, $"unknown normalisation {(int)normalization}; use one of {string.Join(", ", Enum.GetNames<Normalization>())}.");
        }
    }

    /// <summary>", batch norm" or ", layer norm" for a node's printed form; nothing without normalisation.</summary>
    public static string Suffix(Normalization normalization) => normalization switch
    {
        Normalization.Batch => ", batch norm",
        Normalization.Layer => ", layer norm",
        _ => string.Empty,
    };

    /// <summary>The normalisation of vectors [..., width] (any leading dimensions); null for none.</summary>
    public static Module<torch.Tensor, torch.Tensor>? Features(Normalization normalization, long width) => normalization switch
    {
        Normalization.None => null,
        Normalization.Batch => new FeatureBatchNorm(width),
        Normalization.Layer => LayerNorm(width),
        _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown normalisation."),
    };

    /// <summary>The normalisation of feature maps [N, channels, H, W]; null for none.</summary>
    public static Module<torch.Tensor, torch.Tensor>? Channels(Normalization normalization, long channels) => normalization switch
    {
        Normalization.None => null,
        Normalization.Batch => BatchNorm2d(channels),
        Normalization.Layer => new ChannelLayerNorm(channels),
        _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown normalisation."),
    };

    /// <summary>
    /// Layer normalisation of feature maps: per example over channels and pixels (a group norm of one group), with a
    /// scale and shift per channel starting at 1 and 0. Written here because TorchSharp 0.107's <c>GroupNorm</c> module
    /// leaves its scale and shift uninitialised (whatever the memory held, NaN included).
    /// </summary>
    private sealed class ChannelLayerNorm : Module<torch.Tensor, torch.Tensor>
    {
        private readonly TorchSharp.Modules.Parameter weight;
        private readonly TorchSharp.Modules.Parameter bias;

        public ChannelLayerNorm(long channels) : base("channel_layer_norm")
        {
            weight = Parameter(torch.ones(channels));
            bias = Parameter(torch.zeros(channels));
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x) => torch.nn.functional.group_norm(x, 1, weight, bias, 1e-5);
    }

    /// <summary>
    /// Batch normalisation of vectors with any number of leading dimensions (an IWAE's [k, batch, latent], say): they
    /// are all examples, folded into one for <see cref="TorchSharp.Modules.BatchNorm1d"/>, which would otherwise take the
    /// second dimension for the features.
    /// </summary>
    private sealed class FeatureBatchNorm : Module<torch.Tensor, torch.Tensor>
    {
        private readonly TorchSharp.Modules.BatchNorm1d batch;

        public FeatureBatchNorm(long width) : base("feature_batch_norm")
        {
            batch = BatchNorm1d(width);
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x)
        {
            if (x.dim() == 2)
            {
                return batch.forward(x);
            }

            using var scope = torch.NewDisposeScope();
            return batch.forward(x.reshape(-1, x.shape[^1])).reshape(x.shape).MoveToOuterDisposeScope();
        }
    }
}
