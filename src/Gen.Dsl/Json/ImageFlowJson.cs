using System.Linq;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>The JSON forms of image flows and their steps, masks and preprocessing.</summary>
internal static class ImageFlowJson
{
    /// <summary>Mask kinds.</summary>
    public static readonly StableNames<ImageMaskKind> MaskKinds = new((ImageMaskKind.Checkerboard, "checkerboard"), (ImageMaskKind.Channel, "channel"));

    /// <summary>Preprocessing kinds.</summary>
    public static readonly StableNames<ImagePreprocessingKind> PreprocessingKinds = new(
        (ImagePreprocessingKind.None, "none"),
        (ImagePreprocessingKind.Centred, "centred"),
        (ImagePreprocessingKind.Logit, "logit"));

    /// <summary><c>{"kind": "checkerboard", "odd": false}</c>.</summary>
    public static readonly NodeCodec<ImageMaskSpec> Mask = new(
        "an image coupling mask",
        (s, o) =>
        {
            o["kind"] = MaskKinds.Name(s.Kind);
            o["odd"] = s.Odd;
        },
        f => new ImageMaskSpec(f.Enum("kind", MaskKinds), f.Bool("odd")));

    /// <summary><c>{"kind": "logit", "levels": 256, "alpha": 0.05}</c>, rebuilt through the factories, so every check runs.</summary>
    public static readonly NodeCodec<ImagePreprocessing> Preprocessing = new(
        "an image preprocessing",
        (s, o) =>
        {
            o["kind"] = PreprocessingKinds.Name(s.Kind);
            o["levels"] = s.Levels;
            o["alpha"] = s.Alpha;
        },
        f =>
        {
            var kind = f.Enum("kind", PreprocessingKinds);
            int levels = f.Int("levels");
            double alpha = f.Double("alpha");
            return kind switch
            {
                ImagePreprocessingKind.Centred => alpha == 0 ? ImagePreprocessing.Centred(levels) : throw JsonFields.Invalid(f.Path, "the centred map has no alpha (it must be 0)."),
                ImagePreprocessingKind.Logit => ImagePreprocessing.Logit(levels, alpha),
                _ => levels == 0 && alpha == 0 ? ImagePreprocessing.None : throw JsonFields.Invalid(f.Path, "no preprocessing has no levels or alpha (both 0)."),
            };
        });

    /// <summary>
    /// Image flow steps: the one table of flow steps (<see cref="FlowJson.Bijectors"/>), where the image steps
    /// (<c>squeeze</c>, <c>actnorm</c>, <c>conv1x1</c>, <c>factor_out</c>, <c>image_coupling</c>) sit beside the vector
    /// ones and any registered step of one's own. Their fit to the events they see is checked when the flow is rebuilt
    /// step by step.
    /// </summary>
    public static NodeKinds<BijSpec> Steps => FlowJson.Bijectors;

    /// <summary>
    /// The form image flows have always been written in, and still are when a flow is described by it (listed data to
    /// base over [C, H, W] with the standard normal base):
    /// <c>{"channels": 1, "height": 8, "width": 8, "preprocessing": {...}, "steps": [...]}</c>, with <c>"context": K</c>
    /// for a conditional flow (left out otherwise), rebuilt with <see cref="Dsl.ImageFlow.Over"/>,
    /// <see cref="FlowSpec.WithContext"/> and <see cref="FlowSpec.Then(BijSpec)"/>, so every step is checked.
    /// </summary>
    public static readonly NodeCodec<FlowSpec> ImageFlow = new(
        "an image flow",
        (s, o) =>
        {
            var events = s.EventShape;
            o["channels"] = events[0];
            o["height"] = events[1];
            o["width"] = events[2];
            if (s.ContextFeatures > 0)
            {
                o["context"] = s.ContextFeatures;
            }

            o["preprocessing"] = Preprocessing.Write(s.Preprocessing);
            o["steps"] = new JsonArray(s.Steps.Select(step => (JsonNode?)Steps.Write(step)).ToArray());
        },
        f =>
        {
            var flow = Dsl.ImageFlow.Over(f.Int("channels"), f.Int("height"), f.Int("width")).WithPreprocessing(f.Node("preprocessing", Preprocessing));
            if (f.OptionalInt("context") is { } context)
            {
                flow = JsonFields.Checked(f.At("context"), () => flow.WithContext(context));
            }

            return FlowJson.ThenSteps(flow, f);
        });

    /// <summary>Whether <paramref name="flow"/> is described by the <see cref="ImageFlow"/> form.</summary>
    public static bool Describes(FlowSpec flow) =>
        flow.Direction == FlowDirection.DataToBase && flow.EventShape.Length == 3 && flow.EventShape.All(d => d <= int.MaxValue) && flow.HasDefaultBase;
}
