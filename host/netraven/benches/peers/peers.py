"""Back up devices of a netraven-sim inventory with Netmiko or scrapli.

Usage: peers.py netmiko|scrapli INVENTORY CONCURRENCY [DEVICES]

Each device: log in, the show commands NetRaven's IOS driver sends (each
tool sets up its terminal its own way first), log out. Netmiko runs in a
ThreadPoolExecutor of CONCURRENCY threads; scrapli runs on asyncio with
CONCURRENCY sessions at a time. DEVICES (default: all) takes the first
DEVICES of the inventory. Prints one line: the tool, devices backed up,
failures, seconds, devices/s. Talks only to the addresses in the inventory
(netraven-sim on loopback). `run.sh` installs both peers in a virtualenv.
"""
import asyncio
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor

# What drivers/ios sends after its terminal set-up, in its order.
COMMANDS = ["show version", "show vtp status", "show inventory", "show running-config"]


def netmiko_backup(dev, user, password):
    from netmiko import ConnectHandler
    conn = ConnectHandler(device_type="cisco_ios", host=dev["address"], port=dev["port"],
                          username=user, password=password)
    try:
        return [conn.send_command(c) for c in COMMANDS][-1]
    finally:
        conn.disconnect()


def run_netmiko(devices, user, password, threads):
    def one(dev):
        try:
            return "hostname" in netmiko_backup(dev, user, password)
        except Exception as e:  # a failed device counts, the run goes on
            print(f"netmiko: {dev['name']}: {type(e).__name__}: {e}", file=sys.stderr)
            return False

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(pool.map(one, devices))


async def scrapli_backup(dev, user, password):
    from scrapli.auth import Options as Auth
    from scrapli.cli import Cli
    cli = Cli(dev["address"], port=dev["port"], definition_file_or_name="cisco_iosxe",
              auth_options=Auth(username=user, password=password))
    await cli.open_async()
    try:
        result = await cli.send_inputs_async(COMMANDS)
        return result.result
    finally:
        await cli.close_async()


def run_scrapli(devices, user, password, concurrency):
    async def main():
        gate = asyncio.Semaphore(concurrency)

        async def one(dev):
            async with gate:
                try:
                    return "hostname" in await scrapli_backup(dev, user, password)
                except Exception as e:  # a failed device counts, the run goes on
                    print(f"scrapli: {dev['name']}: {type(e).__name__}: {e}", file=sys.stderr)
                    return False

        return sum(await asyncio.gather(*(one(d) for d in devices)))

    return asyncio.run(main())


def main():
    tool, inventory, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(inventory, "rb") as f:
        lab = tomllib.load(f)
    user, password = lab["defaults"]["user"], lab["defaults"]["password"]
    devices = lab["devices"]
    if len(sys.argv) > 4:
        devices = devices[: int(sys.argv[4])]
    run = {"netmiko": run_netmiko, "scrapli": run_scrapli}[tool]
    started = time.monotonic()
    ok = run(devices, user, password, concurrency)
    elapsed = time.monotonic() - started
    print(f"{tool} concurrency={concurrency} devices={len(devices)} ok={ok} "
          f"failed={len(devices) - ok} seconds={elapsed:.2f} devices/s={len(devices) / elapsed:.1f}")


if __name__ == "__main__":
    main()
