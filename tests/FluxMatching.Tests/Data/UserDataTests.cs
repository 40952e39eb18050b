namespace FluxMatching.Tests.Data;

using System.Text;
using FluxMatching.Data;
using TorchSharp;
using static TorchSharp.torch;

public class UserDataTests
{
    private static PointCloud Csv(string text) => CsvData.Parse(new StringReader(text), "t.csv", "t");

    [Fact]
    public void Csv_with_a_header_reads_numbers_row_by_row()
    {
        var c = Csv("a,b,c\n1,2,3\n4,5,6e-1\n\n");
        Assert.Equal(2, c.Count);
        Assert.Equal(3, c.Dimension);
        Assert.Equal(new[] { 1.0, 2, 3, 4, 5, 0.6 }, c.Points.data<double>().ToArray());
    }

    [Fact]
    public void Csv_without_a_header_keeps_its_first_row_and_tabs_are_understood()
    {
        var c = Csv("1\t2\n3\t4\n5\t6\n");
        Assert.Equal(3, c.Count);
        Assert.Equal(1.0, c.Points[0, 0].ToDouble());
    }

    [Theory]
    [InlineData("a,b\n1,2\n3\n", "t.csv: line 3 has 1 column(s); the first line has 2.")]
    [InlineData("a,b\n1,2\n3,x\n", "t.csv: line 3, column 2 ('b') is 'x', not a number.")]
    [InlineData("1,2\n3,NaN\n", "t.csv: line 2, column 2 is NaN (every value must be finite).")]
    [InlineData("1,2\n-Infinity,2\n", "t.csv: line 2, column 1 is -Infinity (every value must be finite).")]
    [InlineData("a,b\n1,2\n", "t.csv: needs at least 2 data rows; found 1 after the header.")]
    public void Malformed_csv_is_one_line_naming_file_line_and_column(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Csv(text));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Npy_float32_and_float64_round_trip_with_their_shape()
    {
        var dir = Directory.CreateTempSubdirectory("npy");
        try
        {
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                var path = Path.Combine(dir.FullName, $"x{dtype}.npy");
                using var x = torch.arange(24, dtype: dtype).reshape(4, 3, 2);
                NpyData.Write(path, x);
                var c = NpyData.Read(path);
                Assert.Equal(new long[] { 3, 2 }, c.SampleShape);
                Assert.Equal(6, c.Dimension);
                Assert.Equal(dtype, c.Points.dtype);
                Assert.True(c.Points.reshape(4, 3, 2).eq(x).all().ToBoolean());
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static byte[] NpyBytes(string header, int dataBytes)
    {
        header = header.PadRight(118) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.AddRange([1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        return bytes.ToArray();
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000), }", "needs 4000000000000000 data bytes; the file has 32")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 9), }", "too large for the file's 32 data bytes")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", "dtype '<i8' is not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 2), }", "Fortran order")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 8), }", "needs at least 2 rows")]
    public void Forged_or_unsupported_npy_headers_fail_before_allocating(string header, string expected)
    {
        using var stream = new MemoryStream(NpyBytes(header, 32));
        var e = Assert.Throws<InvalidDataException>(() => NpyData.Read(stream, "f.npy", "f"));
        Assert.StartsWith("f.npy: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Npy_with_a_nan_names_its_row_and_column()
    {
        var data = new float[] { 1, 2, 3, float.NaN };
        var bytes = NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 0).Concat(data.SelectMany(BitConverter.GetBytes)).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => NpyData.Read(new MemoryStream(bytes), "f.npy", "f"));
        Assert.Equal("file 'f.npy': row 2, column 2 is NaN (every value must be finite).", e.Message);
    }

    [Fact]
    public void Arrays_and_tensors_become_point_clouds_and_bad_ones_are_named()
    {
        Assert.Equal(2, PointCloud.FromArray(new float[,] { { 1, 2 }, { 3, 4 } }).Dimension);
        var e = Assert.Throws<ArgumentException>(() => PointCloud.FromArray(new double[,] { { 1, 2 } }, "x"));
        Assert.Contains("tensor 'x': needs at least 2 points", e.Message);
        using var t = torch.ones(5, 2, 3);
        t[3, 1, 2] = torch.tensor(double.PositiveInfinity);
        e = Assert.Throws<ArgumentException>(() => new PointCloud(t, "y"));
        Assert.StartsWith("tensor 'y': row 4, column 6 is Infinity", e.Message);
    }

    [Fact]
    public void Standardized_training_draws_have_zero_mean_unit_std_and_samples_map_back()
    {
        using var x = torch.randn(2000, 3, generator: new Generator(1)).mul(torch.tensor(new[] { 1.0f, 5, 0.1f })).add(torch.tensor(new[] { 10.0f, -3, 0 }));
        var data = new UserData(new PointCloud(x, "x"));
        Assert.NotNull(data.Standardization);
        var all = data.ToModelUnits(((PointCloud)data.Train).Points.to(ScalarType.Float64));
        Assert.True(all.mean([0L]).abs().max().ToDouble() < 1e-9);
        Assert.True(all.std([0L], unbiased: false).sub(1).abs().max().ToDouble() < 1e-9);
        var z = data.Sample(7, new Generator(2), dtype: ScalarType.Float64);
        var back = data.ToDataUnits(z);
        Assert.True(data.ToModelUnits(back).allclose(z, 1e-9, 1e-9));
        Assert.Equal(10.0, data.Standardization!.Mean[0], 1);
        Assert.Equal(5.0, data.Standardization.Scale[1], 0);
    }

    [Fact]
    public void Holdout_splits_disjoint_parts_of_the_requested_size()
    {
        using var x = torch.arange(100, dtype: ScalarType.Float64).reshape(50, 2);
        var data = new UserData(new PointCloud(x, "x"), new UserDataOptions { Holdout = 0.1, Standardize = false });
        var train = (PointCloud)data.Train;
        Assert.Equal(5, data.HeldOut!.Count);
        Assert.Equal(45, train.Count);
        var seen = train.Points[.., 0].data<double>().Concat(data.HeldOut.Points[.., 0].data<double>()).OrderBy(v => v).ToArray();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 2.0 * i).ToArray(), seen);
        Assert.Null(data.Standardization);
        Assert.Contains("5 held out", data.Describe());
    }

    [Fact]
    public void Holdout_of_an_endless_source_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new UserData(new UniformCube(3), new UserDataOptions { Holdout = 0.2 }));
        Assert.Contains("holdout needs a finite data set", e.Message);
        var ok = new UserData(new UniformCube(3));
        Assert.Equal(3, ok.Dimension);
        Assert.True(ok.Standardization!.Scale.All(s => Math.Abs(s - Math.Sqrt(1.0 / 3)) < 0.02));
    }
}
