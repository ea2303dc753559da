using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Every kind of whole model that specs and checkpoints know. A new model kind is one entry in <see cref="All"/> (its
/// spec's JSON form, its model type and how to get its spec back) and the JSON forms of any new node types it uses.
/// </summary>
internal static class ModelFamilies
{
    /// <summary>The registered families.</summary>
    public static readonly IReadOnlyList<ModelFamily> All = new[]
    {
        // Image flows are flows; the form they were written in before is kept for every flow it describes.
        ModelFamily.Of<FlowSpec, FlowModel>("flow", FlowJson.Flow, m => m.Spec, new("image_flow", ImageFlowJson.ImageFlow, ImageFlowJson.Describes)),
        // A MADE trained with several masks is in the middle of its cycle: the mask in use is state, not spec.
        ModelFamily.Of<MadeSpec, MadeModel>(
            "made", AutoregressiveJson.Made, m => m.Spec, (m, o) => o["current_mask"] = m.Network.CurrentMask, (m, f) => m.UseMask(f.Int("current_mask"))),
        ModelFamily.Of<NadeSpec, NadeModel>("nade", AutoregressiveJson.Nade, m => m.Spec),
        ModelFamily.Of<FvsbnSpec, FvsbnModel>("fvsbn", AutoregressiveJson.Fvsbn, m => m.Spec),
        ModelFamily.Of<PixelCnnSpec, PixelCnnModel>("pixel_cnn", PixelCnnJson.PixelCnn, m => m.Spec),
        ModelFamily.Of<GatedPixelCnnSpec, GatedPixelCnnModel>("gated_pixel_cnn", PixelCnnJson.GatedPixelCnn, m => m.Spec),
        ModelFamily.Of<VaeSpec, VaeModel>("vae", LatentJson.Vae, m => m.Spec),
        ModelFamily.Of<RnnSpec, RnnModel>("rnn", AutoregressiveJson.Rnn, m => m.Spec),
        ModelFamily.Of<GanSpec, GanModel>("gan", AdversarialJson.Gan, m => m.Spec),
        ModelFamily.Of<CriticSpec, CriticModel>("critic", AdversarialJson.Critic, m => m.Spec),
        ModelFamily.Of<EnergySpec, EnergyModel>("energy", EnergyJson.Energy, m => m.Spec),
        ModelFamily.Of<ScoreSpec, ScoreModel>("score", ScoreJson.Score, m => m.Spec),
    };

    /// <summary>The JSON forms of the model specs, under the families' names.</summary>
    public static readonly NodeKinds<IModelSpec<torch.nn.Module>> Specs =
        All.Aggregate(new NodeKinds<IModelSpec<torch.nn.Module>>("model spec"), (kinds, family) => family.RegisterIn(kinds));

    /// <summary>The family of a compiled model.</summary>
    /// <exception cref="ArgumentException">The module is not a model Gen compiles from a spec.</exception>
    public static ModelFamily OfModel(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return All.FirstOrDefault(f => f.ModelType == model.GetType())
            ?? throw new ArgumentException(
                $"A {model.GetType().Name} is not a model compiled from a Gen spec; checkpoints hold {string.Join(", ", All.Select(f => f.ModelType.Name))}.",
                nameof(model));
    }

    /// <summary>The family of a spec.</summary>
    /// <exception cref="ArgumentException">The spec is not a whole-model spec Gen knows.</exception>
    public static ModelFamily OfSpec(IModelSpec<torch.nn.Module> spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return All.FirstOrDefault(f => f.SpecType == spec.GetType())
            ?? throw new ArgumentException($"A {spec.GetType().Name} has no JSON form; model specs are {string.Join(", ", All.Select(f => f.SpecType.Name))}.", nameof(spec));
    }
}
