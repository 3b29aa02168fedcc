package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

final class TestNoopFunction {

    @Test
    void packagesHoldTheHandlerFiles() throws IOException {
        assertThat(entries(NoopFunction.python().zip())).containsExactly("app.py");
        assertThat(entries(NoopFunction.node().zip())).containsExactly("index.js");
        assertThat(entries(NoopFunction.java().zip())).containsExactly("dev/hearth/bench/fn/NoopJavaHandler.class");
        assertThat(NoopFunction.java().handler()).isEqualTo("dev.hearth.bench.fn.NoopJavaHandler::handleRequest");
        assertThat(NoopFunction.python().runtime()).isEqualTo("python3.12");
    }

    @Test
    void machineDescriptionReadsProc() throws IOException {
        MachineDescription machine = MachineDescription.current();
        assertThat(machine.processors()).isPositive();
        assertThat(machine.kernel()).isNotBlank();
        assertThat(machine.summary()).contains("CPUs").contains(machine.kernel());
    }

    private static List<String> entries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
