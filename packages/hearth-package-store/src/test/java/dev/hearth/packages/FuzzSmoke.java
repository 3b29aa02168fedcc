package dev.hearth.packages;

import com.code_intelligence.jazzer.junit.FuzzTest;

final class FuzzSmoke {
    @FuzzTest(maxExecutions = 2000)
    void smoke(byte[] data) {
        if (data.length > 3 && data[0] == 'P' && data[1] == 'K') {
            System.out.println("pk");
        }
    }

    @FuzzTest(maxExecutions = 2000)
    void smoke2(byte[] data) {
        if (data.length > 3 && data[0] == 'Q' && data[1] == 'K') {
            System.out.println("qk");
        }
    }
}
