namespace FluxMatching.Tests.Data;

using System.IO.Compression;
using FluxMatching.Data;

public class IdxFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("idx-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    public void Bytes_written_are_read_back_with_their_shape_plain_or_gzip(string name)
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        string path = Path.Combine(dir, name);
        IdxFile.Write(path, [2, 3, 4], data);
        var (shape, read) = IdxFile.Read(path);
        Assert.Equal(new[] { 2, 3, 4 }, shape);
        Assert.Equal(data, read);
        Assert.Equal(name.EndsWith(".gz"), File.ReadAllBytes(path)[0] == 0x1f);
    }

    [Fact]
    public void A_header_claiming_two_billion_bytes_is_refused_for_what_the_file_holds()
    {
        // 00 00 08 03, then [2^15, 2^8, 2^8] (2^31 elements > the limit) — refused at the header.
        var header = new byte[] { 0, 0, 8, 3, 0, 0, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0 };
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(header), "huge.idx"));
        Assert.Contains("declares more than 2147483647 elements", e.Message);

        // [1000, 1000, 1000] = 10^9 elements but 5 payload bytes: refused after reading the 5 bytes.
        var liar = new byte[] { 0, 0, 8, 3, 0, 0, 3, 0xe8, 0, 0, 3, 0xe8, 0, 0, 3, 0xe8, 1, 2, 3, 4, 5 };
        long before = GC.GetTotalAllocatedBytes(precise: true);
        e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(liar), "liar.idx"));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal("'liar.idx' is not a valid IDX file: its header declares 1000000000 elements ([1000, 1000, " +
                     "1000]) but it holds 5.", e.Message);
        Assert.True(allocated < 10_000_000, $"reading allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 0 }, "magic number starts with 01 00")]
    [InlineData(new byte[] { 0, 0, 0x0d, 1, 0, 0, 0, 0 }, "element type is 0x0d")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "declares no dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1 }, "header ends inside the dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff }, "dimension 0 is negative (-1)")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 7, 8 }, "holds more than the 1 elements")]
    [InlineData(new byte[] { 0, 0 }, "shorter than an IDX header")]
    public void Malformed_headers_are_refused_with_what_is_wrong(byte[] bytes, string why)
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(bytes), "bad.idx"));
        Assert.StartsWith("'bad.idx' is not a valid IDX file: ", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_truncated_gzip_stream_is_refused()
    {
        var packed = new MemoryStream();
        using (var gz = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(new byte[] { 0, 0, 8, 1, 0, 0, 0, 100 });
            gz.Write(new byte[100]);
        }

        var cut = packed.ToArray()[..12];
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(cut), "cut.gz"));
        Assert.StartsWith("'cut.gz' is not a valid IDX file", e.Message);
    }
}
