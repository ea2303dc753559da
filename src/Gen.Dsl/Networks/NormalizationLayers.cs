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
        Normalization.Batch => RequiringSpread(BatchNorm2d(channels)),
        Normalization.Layer => new ChannelLayerNorm(channels),
        _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown normalisation."),
    };

    /// <summary>
    /// Refuses, in training mode, an input with fewer than two values per channel ([1, C, 1, 1], or one row of features):
    /// libtorch then computes the batch variance as 0/0 and writes NaN into the running variance, after which the layer
    /// outputs its shift whatever the input, in training and evaluation alike. (PyTorch refuses this case in Python;
    /// TorchSharp does not.) A hook, so that the module and its state-dict names stay libtorch's; hooks run through
    /// <c>call</c>, which the network nodes use for their normalisation layers.
    /// </summary>
    private static Module<torch.Tensor, torch.Tensor> RequiringSpread(Module<torch.Tensor, torch.Tensor> batchNorm)
    {
        batchNorm.register_forward_pre_hook((module, x) =>
        {
            CheckSpread(module.training, x, x.dim() < 2 ? 1 : x.shape[1]);
            return x;
        });
        return batchNorm;
    }

    private static void CheckSpread(bool training, torch.Tensor x, long channels)
    {
        if (training && x.numel() / Math.Max(1, channels) < 2)
        {
            throw new GenShapeException(
                "batch_norm",
                $"in training mode batch normalisation needs at least 2 values per channel to estimate a variance, but the input of shape {Shape.Format(x.shape)} holds {x.numel() / Math.Max(1, channels)}; pass more rows, call eval() to use the running statistics, or normalise by layer (Normalization.Layer).");
        }
    }

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
            CheckSpread(training, x, batch.num_features);
            if (x.dim() == 2)
            {
                return batch.forward(x);
            }

            using var scope = torch.NewDisposeScope();
            return batch.forward(x.reshape(-1, x.shape[^1])).reshape(x.shape).MoveToOuterDisposeScope();
        }
    }
}
