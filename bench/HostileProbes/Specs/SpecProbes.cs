using System.Collections.Generic;
using System.Linq;
using HostileProbes.Harness;

namespace HostileProbes.Specs;

/// <summary>Category 1: hostile spec documents through <c>SpecJson.FromJson</c>.</summary>
internal static class SpecProbes
{
    public const string Category = "specs";

    public const string Description =
        "`SpecJson.FromJson` on documents made from a valid spec of every family (vector flow, conditional flow, Glow, RealNVP image flow, MADE, NADE, " +
        "FVSBN, PixelCNN with Bernoulli and logistic-mixture heads, gated PixelCNN, MLP VAE, convolutional VAE with IAF posterior and flow prior, RNN, " +
        "GAN, critic), each written by `ToJson()` and changed in one place: every value set to 0, -1, 65,537, 10^9, 2^31-1, 2^31, -2^31, 2^63, 1e308, 0.5, " +
        "the tokens NaN and Infinity, the strings \"NaN\", \"a string\", \"\", a lone surrogate and 100,000 characters, null, true, {}, [], an array " +
        "of 200,000 zeros and arrays nested 100 deep; every object and array set to null, 0, a string, true, [] and {}; every field removed and given " +
        "twice; an unknown field in every object; every type name set to an unknown one, its upper case, a CLR type name and three other known type " +
        "names; every enumeration value to an unknown one and its upper case; every array's first item repeated 1,100 and 17,000 times. And whole " +
        "documents: text that is not JSON or not a document, cut short, with a comment, a byte-order mark, single quotes or a NUL, 2 MiB long, just " +
        "under 1 MiB, version 2, duplicate keys, 10,000-deep arrays, a step inverted 50 and 1,000 times, 50,000 steps, 20,000 and 400,000 " +
        "hidden layers (in a coupling network, a VAE's encoder and decoder, a MADE, a conditional base, a GAN generator and a critic), an FVSBN order of 150,000 features, 65 billion parameters, and every " +
        "family read as another family's spec type.";

    public static IReadOnlyList<Probe> All() =>
        SpecMutations.All().Select(c => new Probe(Category, c.Name, () => SpecJudge.Arrange(c), c.Reproduction, Budgeted: true, TimeoutSeconds: 20)).ToList();
}
