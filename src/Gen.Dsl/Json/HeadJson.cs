namespace Gen.Dsl;

/// <summary>
/// The JSON forms of heads, one table for a VAE's <c>"likelihood"</c> and a pixel model's <c>"head"</c>. A Gaussian
/// writes <c>"fixed_scale"</c> (null for a learned scale) and <c>"unit_scale_at_zero"</c> only when true; a document
/// without <c>"fixed_scale"</c> (as pixel models wrote it) reads as a learned scale.
/// </summary>
internal static class HeadJson
{
    /// <summary>Every head Gen ships; registered heads of one's own join it.</summary>
    public static readonly NodeKinds<HeadSpec> Heads = new NodeKinds<HeadSpec>("head", open: true)
        .Add<BernoulliHead>("bernoulli", (_, _) => { }, _ => new BernoulliHead())
        .Add<GaussianHead>(
            "gaussian",
            (s, o) =>
            {
                o["fixed_scale"] = s.FixedScale;
                if (s.UnitScaleAtZero)
                {
                    o["unit_scale_at_zero"] = true;
                }
            },
            f => Checked(new GaussianHead(f.NullableDouble("fixed_scale"), f.Has("unit_scale_at_zero") && f.Bool("unit_scale_at_zero"))))
        .Add<CategoricalHead>("categorical", (s, o) => o["levels"] = s.Levels, f => Checked(new CategoricalHead(f.Int("levels"))))
        .Add<DiscretizedLogisticHead>("discretized_logistic", (s, o) => o["levels"] = s.Levels, f => Checked(new DiscretizedLogisticHead(f.Int("levels"))))
        .Add<DiscretizedLogisticMixtureHead>(
            "discretized_logistic_mixture",
            (s, o) =>
            {
                o["components"] = s.Components;
                o["levels"] = s.Levels;
            },
            f => Checked(new DiscretizedLogisticMixtureHead(f.Int("components"), f.Int("levels"))));

    private static T Checked<T>(T head)
        where T : HeadSpec
    {
        head.Check();
        return head;
    }
}
