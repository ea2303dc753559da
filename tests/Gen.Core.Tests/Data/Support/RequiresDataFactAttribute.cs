using Xunit;

namespace Gen.Core.Tests.Data.Support;

/// <summary>A fact that is skipped, and reported as skipped, when a full data file is absent (see <see cref="SharedData"/>).</summary>
public sealed class RequiresDataFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="relativePaths">The data files the test reads, for example "mnist/t10k-images-idx3-ubyte".</param>
    public RequiresDataFactAttribute(params string[] relativePaths)
    {
        foreach (var path in relativePaths)
        {
            if (SharedData.File(path) is null)
            {
                Skip = $"{path} is not present: set GEN_DATA_DIR or provide ../shared/data to run this test.";
                return;
            }
        }
    }
}
