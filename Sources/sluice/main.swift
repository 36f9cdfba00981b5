import GPUCore
print("sluice")
